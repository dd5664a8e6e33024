package assessment

import (
	"reflect"
	"testing"
)

func TestIndicatorChanges(t *testing.T) {
	status := func(to string) *AuditEntry {
		return &AuditEntry{Action: ActionSubmissionStatus, Entity: "submission", EntityID: 7, Field: "status", To: to}
	}
	set := func(field, from, to string) *AuditEntry {
		return &AuditEntry{Action: ActionValueSet, Entity: "submission", EntityID: 7, Field: field, From: from, To: to}
	}
	ev := func(act string, id int64, ind string) *AuditEntry {
		return &AuditEntry{Action: act, Entity: "evidence", EntityID: id, Field: ind}
	}
	tests := []struct {
		name    string
		entries []*AuditEntry // newest first
		want    map[string]IndicatorChange
	}{
		{"never returned", []*AuditEntry{status("submitted"), set("A/x", "", "1")}, nil},
		{
			"values and evidence after the return",
			[]*AuditEntry{
				status("resubmitted"),
				set("A/x", "1", "2"),
				set("A/y", "", "5"),
				ev(ActionEvidenceAdded, 3, "B"),
				status("returned"),
				set("C/z", "", "9"), // before the return: not counted
				status("submitted"),
			},
			map[string]IndicatorChange{"A": {Values: 2, Inputs: map[string]ValueDiff{"x": {"1", "2"}, "y": {"", "5"}}}, "B": {Evidence: 1}},
		},
		{
			"changed back and evidence added then deleted count nothing",
			[]*AuditEntry{
				set("A/x", "2", "1"),
				ev(ActionEvidenceDeleted, 4, "B"),
				set("A/x", "1", "2"),
				ev(ActionEvidenceAdded, 4, "B"),
				status("returned"),
			},
			nil,
		},
		{
			"cleared value and deleted evidence",
			[]*AuditEntry{
				{Action: ActionValueCleared, Entity: "submission", EntityID: 7, Field: "A/x", From: "3"},
				ev(ActionEvidenceDeleted, 2, "A"),
				status("returned"),
			},
			map[string]IndicatorChange{"A": {Values: 1, Evidence: 1, Inputs: map[string]ValueDiff{"x": {"3", ""}}}},
		},
		{
			"another submission's entries are ignored",
			[]*AuditEntry{
				{Action: ActionValueSet, Entity: "submission", EntityID: 8, Field: "A/x", To: "1"},
				{Action: ActionSubmissionStatus, Entity: "submission", EntityID: 8, To: "returned"},
				set("D/x", "", "1"),
				status("returned"),
			},
			map[string]IndicatorChange{"D": {Values: 1, Inputs: map[string]ValueDiff{"x": {"", "1"}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := IndicatorChanges(7, tt.entries)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("IndicatorChanges = %v; want %v", got, tt.want)
			}
		})
	}
}
