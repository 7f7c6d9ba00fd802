package collect

import (
	"fmt"
	"slices"

	"github.com/iamspect/iamspect/internal/wording"
)

// knownRegions are the regions of every AWS partition, as the pinned
// aws-sdk-go-v2 lists them (internal/endpoints/awsrulesfn/partitions.json;
// TestKnownRegionsMatchSDK compares the two when the module is in the
// module cache). A region AWS opens later is refused until this list has it:
// a misspelt --regions would otherwise become a gap per account.
var knownRegions = []string{
	// aws
	"af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
	"ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1",
	"eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
	"il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2",
	"us-west-1", "us-west-2",
	// aws-cn, aws-eusc, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-us-gov
	"cn-north-1", "cn-northwest-1", "eusc-de-east-1", "us-iso-east-1", "us-iso-west-1", "us-isob-east-1",
	"us-isob-west-1", "eu-isoe-west-1", "us-isof-east-1", "us-isof-south-1", "us-gov-east-1", "us-gov-west-1",
}

// CheckRegion refuses a region name AWS does not have, naming the nearest
// ones.
func CheckRegion(name string) error {
	if slices.Contains(knownRegions, name) {
		return nil
	}
	if near := wording.Closest(name, knownRegions, 3); len(near) > 0 {
		return fmt.Errorf("region %q does not exist (did you mean %s?)", name, wording.Or(near))
	}
	return fmt.Errorf("region %q does not exist (regions look like us-east-1 or eu-west-2)", name)
}
