package demo

import "github.com/iamspect/iamspect/internal/snapshot"

func yes() *bool { t := true; return &t }
func no() *bool  { f := false; return &f }

func users() []*snapshot.User {
	return []*snapshot.User{
		{ // An engineer who signs in with MFA but also keeps an old key on her laptop.
			Name: "alice.martin", ID: "AIDAEXAMPLEALICE00001", ARN: arn("user", "alice.martin"), Path: "/staff/",
			CreatedAt: *daysAgo(720), Groups: []string{"Engineers"},
			Tags:      []snapshot.Tag{{Key: "team", Value: "platform"}},
			Password:  &snapshot.Password{Enabled: true, LastUsed: daysAgo(1), LastChanged: daysAgo(200)},
			MFAActive: yes(), MFADevices: []snapshot.MFADevice{{Serial: arn("mfa", "alice.martin"), Type: snapshot.MFAVirtual, EnabledAt: daysAgo(700)}},
			AccessKeys: []snapshot.AccessKey{{ID: "AKIAEXAMPLEALICE0001", Slot: 1, Status: snapshot.StatusActive,
				CreatedAt: daysAgo(400), LastUsed: daysAgo(3), LastUsedService: "ec2", LastUsedRegion: "eu-west-1"}},
		},
		{ // An analyst who signs in to the console with a password only.
			Name: "bob.chen", ID: "AIDAEXAMPLEBOB000001", ARN: arn("user", "bob.chen"), Path: "/staff/",
			CreatedAt: *daysAgo(365), Groups: []string{"Analysts"},
			Password:  &snapshot.Password{Enabled: true, LastUsed: daysAgo(6), LastChanged: daysAgo(365)},
			MFAActive: no(),
		},
		{ // An administrator with a hardware key and no access keys: only the IAM user itself is the problem.
			Name: "carol.ops", ID: "AIDAEXAMPLECAROL0001", ARN: arn("user", "carol.ops"), Path: "/staff/",
			CreatedAt: *daysAgo(900), Groups: []string{"Admins"},
			Password:  &snapshot.Password{Enabled: true, LastUsed: daysAgo(2), LastChanged: daysAgo(80)},
			MFAActive: yes(), MFADevices: []snapshot.MFADevice{{Serial: arn("u2f", "user/carol.ops/yubikey"), Type: snapshot.MFAHardware}},
		},
		{ // The CI pipeline's deploy user with a two-year-old key used every day.
			Name: "ci-deploy", ID: "AIDAEXAMPLECIDEPLOY1", ARN: arn("user", "ci-deploy"), Path: "/service/",
			CreatedAt:        *daysAgo(760),
			Tags:             []snapshot.Tag{{Key: "owner", Value: "platform"}, {Key: "purpose", Value: "github-actions"}},
			AttachedPolicies: []snapshot.PolicyRef{{Name: "ci-deploy-policy", ARN: arn("policy", "ci-deploy-policy")}},
			Password:         &snapshot.Password{Enabled: false},
			MFAActive:        no(),
			AccessKeys: []snapshot.AccessKey{{ID: "AKIAEXAMPLECIDEPLOY1", Slot: 1, Status: snapshot.StatusActive,
				CreatedAt: daysAgo(740), LastUsed: daysAgo(0), LastUsedService: "ecr", LastUsedRegion: "us-east-1"},
				// A rotation started five days ago and never finished: both keys are live.
				{ID: "AKIAEXAMPLECIDEPLOY2", Slot: 2, Status: snapshot.StatusActive,
					CreatedAt: daysAgo(5), LastUsed: daysAgo(0), LastUsedService: "ecr", LastUsedRegion: "us-east-1"}},
		},
		{ // A backup job's user whose key was created and then never used.
			Name: "legacy-backup", ID: "AIDAEXAMPLEBACKUP001", ARN: arn("user", "legacy-backup"), Path: "/service/",
			CreatedAt: *daysAgo(210),
			InlinePolicies: []snapshot.InlinePolicy{{Name: "backup-s3",
				Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":"arn:aws:s3:::northwind-backups/*"}]}`)}},
			Password:  &snapshot.Password{Enabled: false},
			MFAActive: no(),
			AccessKeys: []snapshot.AccessKey{
				{ID: "AKIAEXAMPLEBACKUP001", Slot: 1, Status: snapshot.StatusActive, CreatedAt: daysAgo(200)},
				{ID: "AKIAEXAMPLEBACKUP002", Slot: 2, Status: snapshot.StatusInactive, CreatedAt: daysAgo(400), LastUsed: daysAgo(250), LastUsedService: "s3", LastUsedRegion: "us-east-1"},
			},
			// Left over from an old SOAP-based backup tool.
			SigningCertificates: []snapshot.SigningCert{{ID: "EXAMPLEBACKUPCERT0000001", Slot: 1, Status: snapshot.StatusActive, UploadedAt: daysAgo(205)}},
		},
		{ // A contractor given console access and a key at the same time.
			Name: "dave.contractor", ID: "AIDAEXAMPLEDAVE00001", ARN: arn("user", "dave.contractor"), Path: "/external/",
			CreatedAt: *daysAgo(60), Groups: []string{"Engineers"},
			Password:  &snapshot.Password{Enabled: true, LastChanged: daysAgo(60)},
			MFAActive: no(),
			AccessKeys: []snapshot.AccessKey{{ID: "AKIAEXAMPLEDAVE00001", Slot: 1, Status: snapshot.StatusActive,
				CreatedAt: daysAgo(60), LastUsed: daysAgo(20), LastUsedService: "s3", LastUsedRegion: "eu-west-1"}},
		},
		{ // A CodeCommit mirror that only has Git credentials: a legitimate IAM user.
			Name: "codecommit-mirror", ID: "AIDAEXAMPLEMIRROR001", ARN: arn("user", "codecommit-mirror"), Path: "/service/",
			CreatedAt: *daysAgo(500), Password: &snapshot.Password{Enabled: false}, MFAActive: no(),
			ServiceCredentials: []snapshot.ServiceCredential{{ID: "ACCAEXAMPLEMIRROR001", ServiceName: "codecommit.amazonaws.com",
				Status: snapshot.StatusActive, CreatedAt: daysAgo(500)}},
			SSHKeys: []snapshot.SSHKey{{ID: "APKAEXAMPLEMIRROR001", Status: snapshot.StatusActive, UploadedAt: daysAgo(480)}},
		},
		{ // An intern onboarded three weeks ago with the "access key" box ticked; the key was never used.
			Name: "erin.intern", ID: "AIDAEXAMPLEERIN00001", ARN: arn("user", "erin.intern"), Path: "/external/",
			CreatedAt: *daysAgo(20), Groups: []string{"Analysts"},
			Password:  &snapshot.Password{Enabled: true, LastUsed: daysAgo(2), LastChanged: daysAgo(20)},
			MFAActive: yes(), MFADevices: []snapshot.MFADevice{{Serial: arn("mfa", "erin.intern"), Type: snapshot.MFAVirtual, EnabledAt: daysAgo(19)}},
			AccessKeys: []snapshot.AccessKey{{ID: "AKIAEXAMPLEERIN00001", Slot: 1, Status: snapshot.StatusActive, CreatedAt: daysAgo(20)}},
		},
	}
}
