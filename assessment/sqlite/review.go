package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/dti-platform/dti/assessment"
)

// reviewText renders a decision for the audit log.
func reviewText(r *assessment.Review) string {
	var b strings.Builder
	b.WriteString(string(r.Decision))
	for _, a := range r.AdjustedValues {
		fmt.Fprintf(&b, " %s=%s", a.Input, a.Text)
	}
	if r.AdjustedPoints != nil {
		b.WriteString(" points=" + strconv.FormatFloat(*r.AdjustedPoints, 'f', -1, 64))
	}
	return b.String()
}

// SaveReview records a decision in the submission's current round.
func (db *DB) SaveReview(ctx context.Context, actor assessment.Actor, r *assessment.Review,
	check func(*assessment.Period, *assessment.Unit, *assessment.Submission) error) error {
	if err := r.Validate(); err != nil {
		return err
	}
	return db.update(ctx, actor, func(x *tx) error {
		p, u, s, err := loadForChange(ctx, x, r.SubmissionID, -1)
		if err != nil {
			return err
		}
		if check != nil {
			if err := check(p, u, s); err != nil {
				return err
			}
		}
		var before *assessment.Review
		if olds, err := queryReviews(ctx, x, "r.submission_id = ? AND r.indicator = ? AND r.round = ?", s.ID, r.Indicator, s.Round); err != nil {
			return translate(err, "save review")
		} else if len(olds) > 0 {
			before = olds[0]
		}
		r.Round, r.ReviewerID, r.CreatedAt = s.Round, actor.ID, x.now
		err = x.QueryRowContext(ctx, `INSERT INTO reviews (submission_id, indicator, round, decision, adjusted_points, reason, comment, reviewer_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (submission_id, indicator, round) DO UPDATE SET decision = excluded.decision,
				adjusted_points = excluded.adjusted_points, reason = excluded.reason, comment = excluded.comment,
				reviewer_id = excluded.reviewer_id, created_at = excluded.created_at
			RETURNING id`,
			s.ID, r.Indicator, r.Round, string(r.Decision), nullFloat(r.AdjustedPoints), r.Reason, r.Comment, nullID(actor.ID), x.now).Scan(&r.ID)
		if err != nil {
			return translate(err, "save review")
		}
		if _, err := x.ExecContext(ctx, "DELETE FROM review_values WHERE review_id = ?", r.ID); err != nil {
			return translate(err, "save review")
		}
		for _, a := range r.AdjustedValues {
			if _, err := x.ExecContext(ctx, "INSERT INTO review_values (review_id, input, text, num) VALUES (?, ?, ?, ?)",
				r.ID, a.Input, a.Text, nullFloat(a.Num)); err != nil {
				return translate(err, "save review value "+a.Input)
			}
		}
		e := assessment.AuditEntry{Action: assessment.ActionReviewDecided, Entity: "submission", EntityID: s.ID, UnitID: s.UnitID,
			PeriodID: s.PeriodID, Field: r.Indicator, To: reviewText(r), Reason: strings.TrimSpace(r.Reason + " " + r.Comment)}
		if before != nil {
			e.From = reviewText(before)
		}
		return x.audit(ctx, e)
	})
}

// qLatestReviews reads the latest decision of every indicator of the
// submissions listed in a JSON array, with its adjusted values (one row
// per value). A submission has one decision per indicator and round, so
// the highest round is the latest.
const qLatestReviews = `SELECT r.id, r.submission_id, r.indicator, r.round, r.decision, r.adjusted_points, r.reason,
	r.comment, r.reviewer_id, r.created_at, v.input, v.text, v.num
	FROM reviews r
	JOIN json_each(?) j ON r.submission_id = j.value
	LEFT JOIN review_values v ON v.review_id = r.id
	WHERE r.round = (SELECT MAX(r2.round) FROM reviews r2 WHERE r2.submission_id = r.submission_id AND r2.indicator = r.indicator)
	ORDER BY r.submission_id, r.indicator, v.input`

// FindLatestReviews returns the decision that counts for each indicator
// of each submission, in one query.
func (db *DB) FindLatestReviews(ctx context.Context, submissionIDs []int64) (map[int64]map[string]*assessment.Review, error) {
	out := map[int64]map[string]*assessment.Review{}
	if len(submissionIDs) == 0 {
		return out, nil
	}
	ids := make([]string, len(submissionIDs))
	for i, id := range submissionIDs {
		ids[i] = strconv.FormatInt(id, 10)
	}
	err := db.view(ctx, func(t *sql.Tx) error {
		rows, err := t.QueryContext(ctx, qLatestReviews, "["+strings.Join(ids, ",")+"]")
		if err != nil {
			return err
		}
		defer rows.Close()
		var last *assessment.Review
		for rows.Next() {
			r := &assessment.Review{}
			var decision string
			var input, text sql.NullString
			var num *float64
			if err := rows.Scan(&r.ID, &r.SubmissionID, &r.Indicator, &r.Round, &decision, floatDest{&r.AdjustedPoints}, &r.Reason,
				&r.Comment, idDest{&r.ReviewerID}, timeDest{&r.CreatedAt}, &input, &text, floatDest{&num}); err != nil {
				return err
			}
			if last == nil || last.ID != r.ID {
				r.Decision = assessment.Decision(decision)
				if out[r.SubmissionID] == nil {
					out[r.SubmissionID] = map[string]*assessment.Review{}
				}
				out[r.SubmissionID][r.Indicator] = r
				last = r
			}
			if input.Valid {
				last.AdjustedValues = append(last.AdjustedValues, assessment.AdjustedValue{Input: input.String, Text: text.String, Num: num})
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, translate(err, "find latest reviews")
	}
	return out, nil
}

// queryReviews returns the matching reviews with their adjusted values,
// by round then indicator.
func queryReviews(ctx context.Context, q queryer, cond string, args ...any) ([]*assessment.Review, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.submission_id, r.indicator, r.round, r.decision, r.adjusted_points, r.reason,
		r.comment, r.reviewer_id, r.created_at FROM reviews r WHERE `+cond+` ORDER BY r.round, r.indicator`, args...)
	if err != nil {
		return nil, err
	}
	var out []*assessment.Review
	byID := map[int64]*assessment.Review{}
	for rows.Next() {
		r := &assessment.Review{}
		var decision string
		if err := rows.Scan(&r.ID, &r.SubmissionID, &r.Indicator, &r.Round, &decision, floatDest{&r.AdjustedPoints}, &r.Reason,
			&r.Comment, idDest{&r.ReviewerID}, timeDest{&r.CreatedAt}); err != nil {
			rows.Close()
			return nil, err
		}
		r.Decision = assessment.Decision(decision)
		out = append(out, r)
		byID[r.ID] = r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, nil
	}
	ids := make([]any, len(out))
	for i, r := range out {
		ids[i] = r.ID
	}
	vrows, err := q.QueryContext(ctx, "SELECT review_id, input, text, num FROM review_values WHERE review_id IN "+inList(len(ids))+
		" ORDER BY review_id, input", ids...)
	if err != nil {
		return nil, err
	}
	defer vrows.Close()
	for vrows.Next() {
		var id int64
		var a assessment.AdjustedValue
		if err := vrows.Scan(&id, &a.Input, &a.Text, floatDest{&a.Num}); err != nil {
			return nil, err
		}
		byID[id].AdjustedValues = append(byID[id].AdjustedValues, a)
	}
	return out, vrows.Err()
}

// FindReviews returns every decision of the submission by round then
// indicator.
func (db *DB) FindReviews(ctx context.Context, submissionID int64) ([]*assessment.Review, error) {
	var out []*assessment.Review
	err := db.view(ctx, func(t *sql.Tx) (err error) {
		out, err = queryReviews(ctx, t, "r.submission_id = ?", submissionID)
		return err
	})
	return out, translate(err, "find reviews")
}
