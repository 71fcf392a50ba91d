package schema

import (
	"math"
	"reflect"
	"strconv"
	"strings"
)

// decodeConnector builds the typed connector from the parsed tree, with the
// semantics of encoding/json (field names from json tags, the last of duplicate keys
// wins, numbers in untyped values are float64, unknown auth_form keys go to
// Field.Extra). It is lenient: a value of the wrong type is left at its zero value,
// so the template checks can run on a file that has other problems too.
func decodeConnector(root *node) *Connector {
	c := &Connector{}
	decodeValue(root, reflect.ValueOf(c).Elem())
	return c
}

var fieldType = reflect.TypeOf(Field{})

func decodeValue(n *node, v reflect.Value) {
	if n == nil || n.kind == kindNull {
		return
	}
	switch v.Kind() {
	case reflect.String:
		if n.kind == kindString {
			v.SetString(n.str)
		}
	case reflect.Bool:
		if n.kind == kindBool {
			v.SetBool(n.str == "true")
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		if n.kind == kindNumber {
			if i, err := strconv.ParseInt(n.str, 10, 64); err == nil {
				if !v.OverflowInt(i) {
					v.SetInt(i)
				}
			} else if f, err := strconv.ParseFloat(n.str, 64); err == nil && f == math.Trunc(f) && f >= math.MinInt64 && f <= math.MaxInt64 && !v.OverflowInt(int64(f)) {
				v.SetInt(int64(f))
			}
		}
	case reflect.Slice:
		if n.kind == kindArray {
			s := reflect.MakeSlice(v.Type(), len(n.kids), len(n.kids))
			for i, k := range n.kids {
				decodeValue(k, s.Index(i))
			}
			v.Set(s)
		}
	case reflect.Map:
		if n.kind == kindObject && v.Type().Key().Kind() == reflect.String {
			m := reflect.MakeMapWithSize(v.Type(), len(n.kids))
			for i, k := range n.kids {
				e := reflect.New(v.Type().Elem()).Elem()
				decodeValue(k, e)
				m.SetMapIndex(reflect.ValueOf(n.keys[i]).Convert(v.Type().Key()), e)
			}
			v.Set(m)
		}
	case reflect.Pointer:
		if (n.kind == kindObject) == (v.Type().Elem().Kind() == reflect.Struct) {
			p := reflect.New(v.Type().Elem())
			decodeValue(n, p.Elem())
			v.Set(p)
		}
	case reflect.Interface:
		v.Set(reflect.ValueOf(plainValue(n)))
	case reflect.Struct:
		if n.kind == kindObject {
			decodeStruct(n, v)
		}
	}
}

// decodeStruct sets the fields of struct v from object n by json tag names.
func decodeStruct(n *node, v reflect.Value) {
	t := v.Type()
	byName := make(map[string]int, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" && t.Field(i).IsExported() {
			byName[name] = i
		}
	}
	var extra map[string]any
	for i, key := range n.keys {
		if fi, ok := byName[key]; ok {
			// A later duplicate replaces the earlier value entirely, as in encoding/json
			// for scalars; start from zero so that leniency does not mix the two.
			f := v.Field(fi)
			f.Set(reflect.Zero(f.Type()))
			decodeValue(n.kids[i], f)
		} else if t == fieldType {
			if extra == nil {
				extra = map[string]any{}
			}
			extra[key] = plainValue(n.kids[i])
		}
	}
	if extra != nil {
		v.FieldByName("Extra").Set(reflect.ValueOf(extra))
	}
}

// plainValue converts a node to the value encoding/json gives an untyped target.
func plainValue(n *node) any {
	switch n.kind {
	case kindBool:
		return n.str == "true"
	case kindNumber:
		f, _ := strconv.ParseFloat(n.str, 64)
		return f
	case kindString:
		return n.str
	case kindArray:
		a := make([]any, len(n.kids))
		for i, k := range n.kids {
			a[i] = plainValue(k)
		}
		return a
	case kindObject:
		m := make(map[string]any, len(n.kids))
		for i, k := range n.kids {
			m[n.keys[i]] = plainValue(k)
		}
		return m
	}
	return nil
}
