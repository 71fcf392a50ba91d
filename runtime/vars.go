package runtime

// String describes v without the access token.
func (v Vars) String() string {
	return "runtime.Vars{State: " + redacted(v.State) + ", Callback: " + itoa(int64(len(v.Callback))) + " values, Credentials: " + itoa(int64(len(v.Credentials))) + " values, Token: " + redacted(v.Token) + "}"
}

// GoString is like String: %#v never prints the token.
func (v Vars) GoString() string { return v.String() }
