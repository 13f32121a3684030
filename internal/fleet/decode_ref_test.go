package fleet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// The query API decoder as it was, through encoding/json: the reference
// FuzzDecodeQuery holds decodeQuery to.

// answer is the query API's envelope. Result is decoded as a vector or
// matrix in the same pass as the envelope: at 1,000 hosts decoding is most
// of what a refresh costs the client, and a second pass over a raw result
// doubled it. A scalar, which the fleet never asks, takes a second pass.
type refAnswer struct {
	Status    string `json:"status"`
	ErrorType string `json:"errorType"`
	Error     string `json:"error"`
	Data      struct {
		ResultType string      `json:"resultType"`
		Result     []refSeries `json:"result"`
	} `json:"data"`
}

type refSeries struct {
	Metric map[string]string `json:"metric"`
	Value  *refSample        `json:"value"`
	Values []refSample       `json:"values"`
}

// refDecodeQuery reads a query API answer: a vector, a matrix or a scalar.
func refDecodeQuery(b []byte) ([]Series, error) {
	var a refAnswer
	err := json.Unmarshal(b, &a)
	if _, ok := err.(*json.SyntaxError); ok {
		return nil, fmt.Errorf("not a query API answer: %w", err)
	}
	if a.Status != "success" {
		if err != nil {
			return nil, fmt.Errorf("not a query API answer: %w", err)
		}
		if a.Error == "" {
			return nil, fmt.Errorf("query failed with status %q", a.Status)
		}
		return nil, fmt.Errorf("query failed: %s: %s", a.ErrorType, a.Error)
	}
	switch a.Data.ResultType {
	case "scalar":
		var sc struct {
			Data struct {
				Result refSample `json:"result"`
			} `json:"data"`
		}
		if err := json.Unmarshal(b, &sc); err != nil {
			return nil, fmt.Errorf("scalar: %w", err)
		}
		return []Series{{Labels: map[string]string{}, Samples: []Sample{Sample(sc.Data.Result)}}}, nil
	case "vector", "matrix":
	default:
		return nil, fmt.Errorf("result type %q: want vector, matrix or scalar", a.Data.ResultType)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", a.Data.ResultType, err)
	}
	out := make([]Series, 0, len(a.Data.Result))
	for _, j := range a.Data.Result {
		s := Series{Labels: j.Metric}
		if s.Labels == nil {
			s.Labels = map[string]string{}
		}
		if j.Value != nil {
			s.Samples = []Sample{Sample(*j.Value)}
		} else if len(j.Values) > 0 {
			s.Samples = make([]Sample, len(j.Values))
			for i, v := range j.Values {
				s.Samples[i] = Sample(v)
			}
		}
		if len(s.Samples) > 0 {
			out = append(out, s)
		}
	}
	return out, nil
}

// refSample reads [unix seconds, "value"]; values are strings so NaN and
// ±Inf survive JSON. It reads the pair itself rather than through []any,
// which cost two allocations a sample and most of a refresh's garbage.
type refSample Sample

func (s *refSample) UnmarshalJSON(b []byte) error {
	in := bytes.TrimSpace(b)
	if len(in) < 2 || in[0] != '[' || in[len(in)-1] != ']' {
		return fmt.Errorf("sample %s: not a [time, value] pair", firstLine(b))
	}
	tsb, vb, ok := bytes.Cut(in[1:len(in)-1], []byte(","))
	tsb, vb = bytes.TrimSpace(tsb), bytes.TrimSpace(vb)
	if !ok || bytes.IndexByte(vb, ',') >= 0 {
		return fmt.Errorf("sample %s: not a [time, value] pair", firstLine(b))
	}
	ts, err := strconv.ParseFloat(string(tsb), 64)
	if err != nil || len(tsb) == 0 || tsb[0] == '"' {
		return fmt.Errorf("sample time %s: not a number", tsb)
	}
	if len(vb) < 2 || vb[0] != '"' || vb[len(vb)-1] != '"' {
		return fmt.Errorf("sample value %s: not a string", vb)
	}
	v, err := strconv.ParseFloat(string(vb[1:len(vb)-1]), 64)
	if err != nil {
		return fmt.Errorf("sample value: %w", err)
	}
	sec := int64(ts)
	*s = refSample{T: time.Unix(sec, int64((ts-float64(sec))*1e9)).UTC(), V: v}
	return nil
}
