package provider

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
)

// distinctElements is a knownvalue.Check that a list holds exactly want
// distinct values: tokens shared, or not, among the opens that fed it.
type distinctElements struct{ want int }

var _ knownvalue.Check = distinctElements{}

// CheckValue counts the list's distinct elements.
func (c distinctElements) CheckValue(v any) error {
	list, ok := v.([]any)
	if !ok {
		return fmt.Errorf("expected a list, got %T", v)
	}
	seen := map[string]bool{}
	for _, e := range list {
		seen[fmt.Sprint(e)] = true
	}
	if len(seen) != c.want {
		return fmt.Errorf("the list holds %d distinct values, want %d", len(seen), c.want)
	}
	return nil
}

// String describes the check.
func (c distinctElements) String() string { return fmt.Sprintf("%d distinct elements", c.want) }

// distinctByKey is a knownvalue.Check that a map of objects holds exactly
// want distinct values at each object's key: how many tokens the map's
// entries got among them.
type distinctByKey struct {
	key  string
	want int
}

var _ knownvalue.Check = distinctByKey{}

// CheckValue groups the map's entries by their value at c.key.
func (c distinctByKey) CheckValue(v any) error {
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("expected an object, got %T", v)
	}
	seen := map[string][]string{}
	for k, e := range m {
		obj, ok := e.(map[string]any)
		if !ok {
			return fmt.Errorf("%s is %T, not an object", k, e)
		}
		s := fmt.Sprint(obj[c.key])
		seen[s] = append(seen[s], k)
	}
	if len(seen) != c.want {
		var groups []string
		for _, keys := range seen {
			sort.Strings(keys)
			groups = append(groups, strings.Join(keys, "="))
		}
		sort.Strings(groups)
		return fmt.Errorf("the entries hold %d distinct %s (%v), want %d", len(seen), c.key, groups, c.want)
	}
	return nil
}

// String describes the check.
func (c distinctByKey) String() string {
	return fmt.Sprintf("%d distinct values at %q", c.want, c.key)
}
