package rules

import (
	"reflect"
	"strings"
)

// Threshold returns the integer threshold a config file names key (its
// YAML name, e.g. "access_key_max_age_days"); ok is false for an unknown
// key.
func (c Config) Threshold(key string) (v int, ok bool) {
	f, ok := thresholdField(reflect.ValueOf(&c).Elem(), key)
	if !ok {
		return 0, false
	}
	return int(f.Int()), true
}

// SetThreshold sets the integer threshold named key; false for an unknown
// key.
func (c *Config) SetThreshold(key string, v int) bool {
	f, ok := thresholdField(reflect.ValueOf(c).Elem(), key)
	if ok {
		f.SetInt(int64(v))
	}
	return ok
}

func thresholdField(v reflect.Value, key string) (reflect.Value, bool) {
	t := v.Type()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name == key && t.Field(i).Type.Kind() == reflect.Int {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}
