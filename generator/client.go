package generator

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/runtime"
)

// valueMethod is a method that returns a rendered template (BaseURL, the test request
// URL): its body is compiled before the Client type is emitted, so that the type
// knows which values templates read.
type valueMethod struct {
	body       []jen.Code
	konst      bool
	value      string // the value when konst
	needsToken bool   // reads callback or credentials values: takes the token
}

func (g *gen) valueMethod(t *model.Template) *valueMethod {
	if t == nil {
		return nil
	}
	c, err := g.compile(t)
	if err != nil {
		g.fail(fmt.Errorf("%s: compiling: %w", t.Pointer, err))
		return nil
	}
	vm := &valueMethod{body: c.Body, konst: c.IsConst, value: c.Const, needsToken: t.Class == model.Runtime && !c.IsConst}
	if vm.needsToken && mentions(vm.body, "v") {
		vm.body = append([]jen.Code{jen.Id("v").Op(":=").Id("c").Dot("rc").Dot("TokenVars").Call(jen.Id("tok"))}, vm.body...)
	}
	return vm
}

// mentions reports whether the code of body uses the identifier id (a local that is
// declared only when used: Go rejects unused locals).
func mentions(body []jen.Code, id string) bool {
	src := fmt.Sprintf("%#v", jen.Block(body...))
	return regexp.MustCompile(`\b` + regexp.QuoteMeta(id) + `\b`).MatchString(src)
}

func ctxParam() jen.Code { return jen.Id("ctx").Qual("context", "Context") }
func tokPtr() jen.Code   { return jen.Op("*").Qual(oauth2, "Token") }

// method emits a documented method of *Client.
func (g *gen) method(text string, name string, params []jen.Code, results []jen.Code, body ...jen.Code) {
	g.f.Add(doc(text))
	g.f.Func().Params(jen.Id("c").Op("*").Id("Client")).Id(name).Params(params...).Add(resultList(results)).Block(body...)
	g.f.Line()
}

func resultList(r []jen.Code) jen.Code {
	switch len(r) {
	case 0:
		return jen.Null()
	case 1:
		return jen.Add(r[0])
	}
	return jen.Parens(jen.List(r...))
}

func (g *gen) client() {
	m := g.m
	g.base = g.valueMethod(m.BaseURL)
	if m.TestRequest != nil {
		g.test = g.valueMethod(m.TestRequest.URL)
	}
	fields := []jen.Code{jen.Id("rc").Op("*").Qual(rt, "Client")}
	if g.paramsRead {
		fields = append(fields, jen.Id("params").Id("Params"))
	}
	if g.readsClientID {
		fields = append(fields, jen.Id("clientID").String())
	}
	if g.readsRedirect {
		fields = append(fields, jen.Id("redirectURL").String())
	}
	if m.Methods.Connections {
		// What a connection's client is built from: cfg with its Params replaced by the
		// end user's.
		fields = append(fields, jen.Id("cfg").Id("Config"), jen.Id("opts").Index().Qual(rt, "Option"))
	}
	g.f.Add(doc("Client is an OAuth2 client for " + m.Name + ". It is safe for concurrent use."))
	g.f.Type().Id("Client").Struct(fields...)
	g.f.Line()
}

func (g *gen) newFunc() {
	m := g.m
	pkg := m.Package
	var body []jen.Code
	errorf := func(msg string) jen.Code {
		return jen.Return(jen.Nil(), jen.Qual("errors", "New").Call(jen.Lit(pkg+": "+msg)))
	}
	reported := false // a required value was checked before: only the first missing one is reported
	if m.EndUserCredentials() {
		// The end user's own credentials, in Params: Config's would be the platform's,
		// sent to a host the end user chose.
		body = append(body, jen.If(jen.Id("cfg").Dot("ClientID").Op("!=").Lit("").Op("||").Id("cfg").Dot("ClientSecret").Op("!=").Lit("")).Block(errorf(model.EndUserCredentialsMessage)))
		required := []struct {
			field, msg string
		}{{"ClientID", model.UserClientIDMessage}}
		if m.ClientSecretRequired {
			required = append(required, struct{ field, msg string }{"ClientSecret", model.UserClientSecretMessage})
		}
		for _, r := range required {
			missing := jen.Id("cfg").Dot("Params").Dot(r.field).Op("==").Lit("")
			if !g.lax() {
				body = append(body, jen.If(missing).Block(errorf(r.msg)))
				continue
			}
			cond := missing
			if reported {
				cond = jen.Id("missing").Op("==").Nil().Op("&&").Add(missing)
			}
			reported = true
			body = append(body, jen.If(cond).Block(jen.Id("missing").Op("=").Qual("errors", "New").Call(jen.Lit(pkg+": "+r.msg))))
		}
	} else {
		body = append(body, jen.If(jen.Id("cfg").Dot("ClientID").Op("==").Lit("")).Block(errorf(model.ClientIDMessage)))
		if m.ClientSecretRequired {
			body = append(body, jen.If(jen.Id("cfg").Dot("ClientSecret").Op("==").Lit("")).Block(errorf(model.ClientSecretMessage)))
		}
	}
	if m.ClientAuth == runtime.AuthPrivateKeyJWT {
		body = append(body, jen.If(jen.Id("cfg").Dot("PrivateKey").Op("==").Nil()).Block(errorf(model.PrivateKeyMessage)))
	}
	urlChecks := m.URLChecks()
	for _, p := range m.Params {
		x := jen.Id("cfg").Dot("Params").Dot(p.GoName)
		if p.Default != nil {
			switch d := p.Default.(type) {
			case string:
				def := jen.Lit(d)
				if p.Kind == jinja.Select {
					for _, e := range p.Enum {
						if e.Value == d {
							def = jen.Id(e.GoName)
						}
					}
				}
				body = append(body, jen.If(jen.Add(x).Op("==").Lit("")).Block(jen.Add(x).Op("=").Add(def)))
			case int:
				body = append(body, jen.If(jen.Add(x).Op("==").Lit(0)).Block(jen.Add(x).Op("=").Lit(d)))
			case bool:
				if p.GoType == "*bool" {
					body = append(body, jen.If(jen.Add(x).Op("==").Nil()).Block(
						jen.Id("on").Op(":=").True(),
						jen.Add(x).Op("=").Op("&").Id("on"),
					))
				}
			}
		}
		if p.Required && g.lax() {
			var missing jen.Code
			switch p.GoType {
			case "int":
				missing = jen.Add(x).Op("==").Lit(0)
			case "bool":
				missing = jen.Op("!").Add(x)
			case "*bool":
				missing = jen.Op("!").Op("*").Add(x)
			default:
				missing = jen.Add(x).Op("==").Lit("")
			}
			cond := missing
			if reported {
				cond = jen.Id("missing").Op("==").Nil().Op("&&").Add(missing) // the first one missing is reported
			}
			reported = true
			body = append(body, jen.If(cond).Block(
				jen.Id("missing").Op("=").Qual("errors", "New").Call(jen.Lit(pkg+": "+p.RequiredMessage()))))
		} else if p.Required {
			var missing jen.Code
			switch p.GoType {
			case "int":
				missing = jen.Add(x).Op("==").Lit(0)
			case "bool":
				missing = jen.Op("!").Add(x)
			case "*bool":
				missing = jen.Op("!").Op("*").Add(x)
			default:
				missing = jen.Add(x).Op("==").Lit("")
			}
			body = append(body, jen.If(missing).Block(errorf(p.RequiredMessage())))
		}
		if p.Kind == jinja.Select {
			var cases []jen.Code
			if !p.Required && p.Default == nil {
				cases = append(cases, jen.Lit(""))
			}
			for _, e := range p.Enum {
				cases = append(cases, jen.Id(e.GoName))
			}
			body = append(body, jen.Switch(x).Block(
				jen.Case(cases...),
				jen.Default().Block(jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit(pkg+": "+p.EnumFormat()), x))),
			))
		}
		if p.Pattern != nil {
			val := x
			if secretParam(p) {
				val = jen.String().Call(x)
			}
			body = append(body, jen.If(jen.Add(x).Op("!=").Lit("").Op("&&").Op("!").Id(patternVar(p)).Dot("MatchString").Call(val)).Block(errorf(p.PatternMessage())))
		}
		for _, k := range urlChecks {
			if k.Param != p || p.Kind != jinja.String {
				continue
			}
			val := x
			if secretParam(p) {
				val = jen.String().Call(x)
			}
			_, part := model.URLPart(k.Context)
			bad := jen.Add(x).Op("!=").Lit("").Op("&&").Op("!").Qual(rt, "ValidURLValue").Call(jen.Qual(rt, part), val)
			if p.Field.Type == "password" {
				body = append(body, jen.If(bad).Block(errorf(k.Message(""))))
			} else {
				body = append(body, jen.If(bad).Block(jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit(pkg+": "+k.Format()), x))))
			}
		}
	}
	rtOpts := jen.Id("opts")
	if g.lax() {
		// A client without a required value serves Connections, whose Begin checks the
		// values of each end user; used directly, it sends nothing (runtime.Incomplete).
		body = append(body,
			jen.Id("rtOpts").Op(":=").Id("opts"),
			jen.If(jen.Id("missing").Op("!=").Nil()).Block(
				jen.If(jen.Id("strict")).Block(jen.Return(jen.Nil(), jen.Id("missing"))),
				jen.Id("rtOpts").Op("=").Append(jen.Id("opts").Index(jen.Empty(), jen.Len(jen.Id("opts")), jen.Len(jen.Id("opts"))), jen.Qual(rt, "Incomplete").Call(jen.Id("missing"))),
			))
		rtOpts = jen.Id("rtOpts")
	}
	client := []jen.Code{}
	if g.paramsRead {
		client = append(client, field("params", jen.Id("cfg").Dot("Params")))
	}
	clientID, clientSecret := jen.Id("cfg").Dot("ClientID"), jen.Id("cfg").Dot("ClientSecret")
	if m.EndUserCredentials() {
		clientID, clientSecret = jen.Id("cfg").Dot("Params").Dot("ClientID"), nil // no secret: a key or certificate
		if m.UserClientSecret {
			clientSecret = jen.Id("cfg").Dot("Params").Dot("ClientSecret")
		}
	}
	if g.readsClientID {
		client = append(client, field("clientID", clientID))
	}
	if g.readsRedirect {
		client = append(client, field("redirectURL", jen.Id("cfg").Dot("RedirectURL")))
	}
	if m.Methods.Connections {
		client = append(client, field("cfg", jen.Id("cfg")), field("opts", jen.Id("opts")))
	}
	credFields := []jen.Code{field("ClientID", clientID)}
	if clientSecret != nil {
		credFields = append(credFields, field("ClientSecret", clientSecret))
	}
	credFields = append(credFields, field("RedirectURL", jen.Id("cfg").Dot("RedirectURL")))
	creds := jen.Qual(rt, "Credentials").Values(append(credFields, keyCredentials(m.ClientAuth)...)...)
	if len(g.newStmts) == 0 {
		// Nothing in the flow depends on cfg: every client shares the package's flow.
		client = append([]jen.Code{field("rc", jen.Qual(rt, "New").Call(jen.Op("&").Id("flow"), creds, jen.Add(rtOpts).Op("...")))}, client...)
		body = append(body, jen.Return(jen.Op("&").Id("Client").Add(multi(client...)), jen.Nil()))
	} else {
		body = append(body, jen.Id("c").Op(":=").Op("&").Id("Client").Values(client...))
		body = append(body, jen.Id("f").Op(":=").Id("flow"))
		body = append(body, g.newStmts...)
		body = append(body,
			jen.Id("c").Dot("rc").Op("=").Qual(rt, "New").Call(jen.Op("&").Id("f"), creds, jen.Add(rtOpts).Op("...")),
			jen.Return(jen.Id("c"), jen.Nil()),
		)
	}
	text := "New checks cfg and returns a client: the client id must be set"
	if m.EndUserCredentials() {
		text = "New checks cfg and returns a client: the client id is the end user's, Params.ClientID, and Config.ClientID and ClientSecret must be empty (the connector is end_user_hosted: the platform's application credentials would go to a host the end user chose)"
	}
	switch {
	case g.lax():
		text += ", defaults are applied to Params, and a value outside its choices is an error. A required value may be left out for a client used through Connections, whose Begin checks it; used directly, such a client fails every request with the error that names the value, sending nothing"
	case len(m.Params) > 0:
		text += ", defaults are applied to Params, and a missing required value or a value outside its choices is an error"
		for _, p := range m.Params {
			if p.Pattern != nil {
				text += ", as is a value that does not match its field's pattern"
				break
			}
		}
	}
	text += "."
	g.f.Add(doc(text))
	if g.lax() {
		body = append([]jen.Code{jen.Var().Id("missing").Error()}, body...)
		g.f.Func().Id("New").Params(jen.Id("cfg").Id("Config"), jen.Id("opts").Op("...").Qual(rt, "Option")).
			Parens(jen.List(jen.Op("*").Id("Client"), jen.Error())).Block(
			jen.Return(jen.Id("newClient").Call(jen.Id("cfg"), jen.False(), jen.Id("opts"))))
		g.f.Line()
		g.f.Comment("newClient is New; strict makes a missing required value an error.")
		g.f.Func().Id("newClient").Params(jen.Id("cfg").Id("Config"), jen.Id("strict").Bool(), jen.Id("opts").Index().Qual(rt, "Option")).
			Parens(jen.List(jen.Op("*").Id("Client"), jen.Error())).Block(body...)
		g.f.Line()
		return
	}
	g.f.Func().Id("New").Params(jen.Id("cfg").Id("Config"), jen.Id("opts").Op("...").Qual(rt, "Option")).
		Parens(jen.List(jen.Op("*").Id("Client"), jen.Error())).Block(body...)
	g.f.Line()
}

// lax reports whether New accepts a Config without a required value: the connector
// has one (an end_user_hosted connector's client id is one), and Connections, whose Begin checks it.
func (g *gen) lax() bool {
	if !g.m.Methods.Connections {
		return false
	}
	if g.m.EndUserCredentials() {
		return true // the end user's client id is required
	}
	for _, p := range g.m.Params {
		if p.Required {
			return true
		}
	}
	return false
}

// connections emits the Connections type, Client.Connections, Begin and the helpers
// that build a connection's client from its values.
func (g *gen) connections() {
	m := g.m
	if !m.Methods.Connections {
		return
	}
	g.f.Add(doc("Connections are the connections of end users to " + m.Name + " kept in a store (see runtime.Connections, whose methods it has): Begin starts one with the end user's values, Complete finishes it with the callback, Token, HTTPClient and Refresh use it by its key, Disconnect ends it."))
	g.f.Type().Id("Connections").Struct(jen.Op("*").Qual(rt, "Connections"), jen.Id("c").Op("*").Id("Client"))
	g.f.Line()
	g.method("Connections returns the connections of end users kept in store, with the client's credentials and options; its Params are the defaults of each end user's values.", "Connections",
		[]jen.Code{jen.Id("store").Qual(rt, "TokenStore"), jen.Id("opts").Op("...").Qual(rt, "ConnectionOption")}, []jen.Code{jen.Op("*").Id("Connections")},
		jen.Return(jen.Op("&").Id("Connections").Values(
			jen.Qual(rt, "NewConnections").Call(jen.Id("Name"), jen.Id("c").Dot("connection"), jen.Id("store"), jen.Id("opts").Op("...")),
			jen.Id("c"))))
	var values, build []jen.Code
	if len(m.Params) == 0 {
		values = []jen.Code{jen.Return(jen.Id("cs").Dot("Connections").Dot("Begin").Call(jen.Id("ctx"), jen.Id("key"), jen.Nil()))}
		build = []jen.Code{
			jen.List(jen.Id("nc"), jen.Err()).Op(":=").Id("New").Call(jen.Id("c").Dot("cfg"), jen.Id("c").Dot("opts").Op("...")),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
			jen.Return(jen.Id("nc").Dot("rc"), jen.Nil()),
		}
	} else {
		values = []jen.Code{
			jen.Comment("The given values over the client's, by name (JSON leaves out zero fields)."),
			jen.Var().Id("values").Op(",").Id("given").Map(jen.String()).Any(),
			jen.List(jen.Id("b"), jen.Err()).Op(":=").Qual("encoding/json", "Marshal").Call(jen.Id("cs").Dot("c").Dot("cfg").Dot("Params")),
			jen.If(jen.Err().Op("==").Nil()).Block(jen.Err().Op("=").Qual("encoding/json", "Unmarshal").Call(jen.Id("b"), jen.Op("&").Id("values"))),
			jen.If(jen.Err().Op("==").Nil()).Block(jen.List(jen.Id("b"), jen.Err()).Op("=").Qual("encoding/json", "Marshal").Call(jen.Id("p"))),
			jen.If(jen.Err().Op("==").Nil()).Block(jen.Err().Op("=").Qual("encoding/json", "Unmarshal").Call(jen.Id("b"), jen.Op("&").Id("given"))),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Lit(""), jen.Qual("errors", "New").Call(jen.Lit(m.Package+": Begin: the values cannot be kept (not JSON)")))),
			jen.Qual("maps", "Copy").Call(jen.Id("values"), jen.Id("given")),
		}
		// JSON redacts a runtime.Secret: a password's own value is kept (the store
		// seals the values), the given one over the client's.
		secrets := map[string]string{} // Go field -> auth_form name
		var order []string
		for _, p := range m.Params {
			if secretParam(p) {
				secrets[p.GoName] = p.Name
				order = append(order, p.GoName)
			}
		}
		if m.EndUserCredentials() && m.UserClientSecret {
			secrets["ClientSecret"] = "client_secret"
			order = append(order, "ClientSecret")
		}
		for _, f := range order {
			set := func(src jen.Code) []jen.Code {
				return []jen.Code{jen.Id("values").Index(jen.Lit(secrets[f])).Op("=").String().Call(src)}
			}
			values = append(values, jen.If(jen.Id("p").Dot(f).Op("!=").Lit("")).Block(set(jen.Id("p").Dot(f))...).
				Else().If(jen.Id("cs").Dot("c").Dot("cfg").Dot("Params").Dot(f).Op("!=").Lit("")).Block(set(jen.Id("cs").Dot("c").Dot("cfg").Dot("Params").Dot(f))...))
		}
		values = append(values, jen.Return(jen.Id("cs").Dot("Connections").Dot("Begin").Call(jen.Id("ctx"), jen.Id("key"), jen.Id("values"))))
		newCall := jen.Id("New").Call(jen.Id("cfg"), jen.Id("c").Dot("opts").Op("..."))
		if g.lax() {
			newCall = jen.Id("newClient").Call(jen.Id("cfg"), jen.True(), jen.Id("c").Dot("opts"))
		}
		build = []jen.Code{
			jen.Id("cfg").Op(":=").Id("c").Dot("cfg"),
			jen.If(jen.Id("values").Op("!=").Nil()).Block(
				jen.Id("cfg").Dot("Params").Op("=").Id("Params").Values(),
				jen.List(jen.Id("b"), jen.Err()).Op(":=").Qual("encoding/json", "Marshal").Call(jen.Id("values")),
				jen.If(jen.Err().Op("==").Nil()).Block(jen.Err().Op("=").Qual("encoding/json", "Unmarshal").Call(jen.Id("b"), jen.Op("&").Id("cfg").Dot("Params"))),
				jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Qual("errors", "New").Call(jen.Lit(m.Package+": the values of a connection do not fit Params")))),
			),
			jen.List(jen.Id("nc"), jen.Err()).Op(":=").Add(newCall),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
			jen.Return(jen.Id("nc").Dot("rc"), jen.Nil()),
		}
	}
	g.f.Add(doc("Begin starts the connection of an end user under key, with the end user's values p (a zero field takes the value of the client's Params), checked as New checks them, and returns the URL to send the end user to. Complete finishes it."))
	g.f.Func().Params(jen.Id("cs").Op("*").Id("Connections")).Id("Begin").
		Params(ctxParam(), jen.Id("key").String(), jen.Id("p").Id("Params")).Parens(jen.List(jen.String(), jen.Error())).Block(values...)
	g.f.Line()
	g.f.Comment("connection returns the runtime client of a connection's values (nil: the client's).")
	g.f.Func().Params(jen.Id("c").Op("*").Id("Client")).Id("connection").
		Params(jen.Id("values").Map(jen.String()).Any()).Parens(jen.List(jen.Op("*").Qual(rt, "Client"), jen.Error())).Block(build...)
	g.f.Line()
}

func (g *gen) methods() {
	m := g.m
	rc := func(name string, args ...jen.Code) *jen.Statement {
		return jen.Id("c").Dot("rc").Dot(name).Call(args...)
	}
	authOpts := jen.Id("opts").Op("...").Qual(oauth2, "AuthCodeOption")
	if m.Grant == runtime.AuthorizationCode {
		text := "AuthCodeURL returns the URL to send the end user to, with state."
		if m.PKCE != runtime.NoPKCE {
			exchange := "Exchange"
			if m.ExchangeNeedsCallback {
				exchange = "ExchangeCallback"
			}
			text += " The flow uses PKCE: pass oauth2.VerifierOption(verifier) (or oauth2.S256ChallengeOption) here and oauth2.VerifierOption(verifier) to " + exchange + "."
		}
		g.method(text, "AuthCodeURL", []jen.Code{jen.Id("state").String(), authOpts}, []jen.Code{jen.String()},
			jen.Return(rc("AuthCodeURL", jen.Id("state"), jen.Id("opts").Op("..."))))
		g.method("CodeFromCallback returns the authorization code of the callback query q (the "+strconv.Quote(m.CodeKey)+
			" parameter), or a *runtime.CallbackError when the provider reported an error.",
			"CodeFromCallback", []jen.Code{jen.Id("q").Qual("net/url", "Values")}, []jen.Code{jen.String(), jen.Error()},
			jen.Return(rc("CodeFromCallback", jen.Id("q"))))
		// A token request that reads callback values cannot be made from a code alone:
		// such a connector has ExchangeCallback only (it always has callback_params).
		if m.Methods.Exchange {
			g.method("Exchange exchanges an authorization code for a token.", "Exchange",
				[]jen.Code{ctxParam(), jen.Id("code").String(), authOpts}, []jen.Code{tokPtr(), jen.Error()},
				jen.Return(rc("Exchange", jen.Id("ctx"), jen.Id("code"), jen.Id("opts").Op("..."))))
		}
		if m.Methods.ExchangeCallback {
			g.method("ExchangeCallback reads the code and the values the connector keeps from the callback query q, and exchanges the code. Compare the state with runtime.EqualState first.",
				"ExchangeCallback", []jen.Code{ctxParam(), jen.Id("q").Qual("net/url", "Values"), authOpts}, []jen.Code{tokPtr(), jen.Error()},
				jen.Return(rc("ExchangeCallback", jen.Id("ctx"), jen.Id("q"), jen.Id("opts").Op("..."))))
		}
		// Likewise a refresh request that reads callback values needs the token that
		// kept them: RefreshToken only.
		if m.Methods.Refresh {
			g.method("Refresh gets a new token with a refresh token.", "Refresh",
				[]jen.Code{ctxParam(), jen.Id("refreshToken").String()}, []jen.Code{tokPtr(), jen.Error()},
				jen.Return(rc("Refresh", jen.Id("ctx"), jen.Id("refreshToken"))))
		}
		if m.Methods.RefreshToken {
			refreshDoc := "RefreshToken refreshes tok and keeps the values it carries (metadata, callback values) in the new token; prefer it to Refresh."
			if !m.Methods.Refresh {
				refreshDoc = "RefreshToken refreshes tok with the callback values it kept, and keeps the values it carries (metadata, callback values) in the new token."
			}
			g.method(refreshDoc, "RefreshToken",
				[]jen.Code{ctxParam(), jen.Id("tok").Add(tokPtr())}, []jen.Code{tokPtr(), jen.Error()},
				jen.Return(rc("RefreshToken", jen.Id("ctx"), jen.Id("tok"))))
		}
		if m.Methods.Device {
			g.method("DeviceAuth starts the device authorization grant (RFC 8628): show the user the returned UserCode and VerificationURI, then call DeviceAccessToken.", "DeviceAuth",
				[]jen.Code{ctxParam()}, []jen.Code{jen.Op("*").Qual(oauth2, "DeviceAuthResponse"), jen.Error()},
				jen.Return(rc("DeviceAuth", jen.Id("ctx"))))
			g.method("DeviceAccessToken polls the token endpoint with da's device code until the user authorized or denied the request, da expired, or ctx is done.", "DeviceAccessToken",
				[]jen.Code{ctxParam(), jen.Id("da").Op("*").Qual(oauth2, "DeviceAuthResponse")}, []jen.Code{tokPtr(), jen.Error()},
				jen.Return(rc("DeviceAccessToken", jen.Id("ctx"), jen.Id("da"))))
		}
		g.method("TokenSource returns a source of fresh tokens starting from tok, renewed before they expire.", "TokenSource",
			[]jen.Code{ctxParam(), jen.Id("tok").Add(tokPtr())}, []jen.Code{jen.Qual(oauth2, "TokenSource")},
			jen.Return(rc("TokenSource", jen.Id("ctx"), jen.Id("tok"))))
		g.method("HTTPClient returns an *http.Client whose requests carry tok (renewed as needed).", "HTTPClient",
			[]jen.Code{ctxParam(), jen.Id("tok").Add(tokPtr())}, []jen.Code{jen.Op("*").Qual("net/http", "Client")},
			jen.Return(rc("HTTPClient", jen.Id("ctx"), jen.Id("tok"))))
	} else {
		if m.Methods.Token {
			g.method("Token gets a token with the client_credentials grant.", "Token",
				[]jen.Code{ctxParam()}, []jen.Code{tokPtr(), jen.Error()},
				jen.Return(rc("Token", jen.Id("ctx"))))
		}
		g.method("TokenSource returns a source of client_credentials tokens, renewed before they expire.", "TokenSource",
			[]jen.Code{ctxParam()}, []jen.Code{jen.Qual(oauth2, "TokenSource")},
			jen.Return(rc("TokenSource", jen.Id("ctx"), jen.Nil())))
		g.method("HTTPClient returns an *http.Client whose requests carry client_credentials tokens.", "HTTPClient",
			[]jen.Code{ctxParam()}, []jen.Code{jen.Op("*").Qual("net/http", "Client")},
			jen.Return(rc("HTTPClient", jen.Id("ctx"), jen.Nil())))
	}
	// String and Format have value receivers so that printing a Client value does
	// not show its fields (the end user's values) either.
	g.f.Comment("String describes the client without its secrets.")
	g.f.Func().Params(jen.Id("c").Id("Client")).Id("String").Params().String().Block(
		jen.Return(jen.Lit(m.Package + ".Client{").Op("+").Id("c").Dot("rc").Dot("String").Call().Op("+").Lit("}")))
	g.f.Line()
	g.f.Comment("Format prints the client as String does, under every verb (%#v, %d or %x")
	g.f.Comment("would otherwise print its fields).")
	g.f.Func().Params(jen.Id("c").Id("Client")).Id("Format").Params(jen.Id("f").Qual("fmt", "State"), jen.Id("verb").Rune()).Block(
		jen.Qual("fmt", "Fprintf").Call(jen.Id("f"), jen.Qual("fmt", "FormatString").Call(jen.Id("f"), jen.Id("verb")), jen.Id("c").Dot("String").Call()))
	g.f.Line()
	g.method("Runtime returns the runtime client underneath, for what this package does not wrap (TokenVars: the template values a token carries).", "Runtime",
		nil, []jen.Code{jen.Op("*").Qual(rt, "Client")}, jen.Return(jen.Id("c").Dot("rc")))
	if m.Methods.Revoke {
		doc := "Revoke revokes tok (its refresh token when it has one) at the provider (RFC 7009)."
		if rv := m.Revocation; rv != nil {
			doc = "Revoke revokes tok with the provider's own request: " + rv.Describe() + "."
		}
		g.method(doc, "Revoke",
			[]jen.Code{ctxParam(), jen.Id("tok").Add(tokPtr())}, []jen.Code{jen.Error()},
			jen.Return(rc("Revoke", jen.Id("ctx"), jen.Id("tok"))))
	}
	if b := g.base; b != nil && m.Methods.BaseURL {
		if m.Methods.BaseURLTakesToken {
			g.method("BaseURL returns the base URL of the API for tok, whose metadata it reads.", "BaseURL",
				[]jen.Code{jen.Id("tok").Add(tokPtr())}, []jen.Code{jen.String()}, b.body...)
		} else {
			g.method("BaseURL returns the base URL of the API.", "BaseURL", nil, []jen.Code{jen.String()}, b.body...)
		}
	}
	if t := g.test; t != nil && m.Methods.Verify {
		var u jen.Code
		switch {
		case t.konst:
			u = jen.Lit(t.value)
		case t.needsToken:
			g.helpers = append(g.helpers, jen.Comment("testRequestURL renders the URL of the test request for the values of a token.").Line().
				Func().Params(jen.Id("c").Op("*").Id("Client")).Id("testRequestURL").Params(jen.Id("tok").Add(tokPtr())).String().Block(t.body...))
			u = jen.Id("c").Dot("testRequestURL").Call(jen.Id("tok"))
		default:
			g.helpers = append(g.helpers, jen.Comment("testRequestURL renders the URL of the test request.").Line().
				Func().Params(jen.Id("c").Op("*").Id("Client")).Id("testRequestURL").Params().String().Block(t.body...))
			u = jen.Id("c").Dot("testRequestURL").Call()
		}
		g.method("Verify makes the connector's test request ("+m.TestRequest.Method+") with tok and returns nil when the provider accepts the credentials.", "Verify",
			[]jen.Code{ctxParam(), jen.Id("tok").Add(tokPtr())}, []jen.Code{jen.Error()},
			jen.Return(rc("Verify", jen.Id("ctx"), jen.Id("tok"), jen.Lit(m.TestRequest.Method), u)))
	}
	if m.Methods.Metadata {
		var items []jen.Code
		for _, kv := range m.KeptValues() {
			src := "Credentials"
			if kv.Callback {
				src = "Callback"
			}
			items = append(items, field(kv.GoName, jen.Id("v").Dot(src).Index(jen.Lit(kv.Name))))
		}
		g.method("Metadata returns the values kept with tok.", "Metadata",
			[]jen.Code{jen.Id("tok").Add(tokPtr())}, []jen.Code{jen.Id("TokenMetadata")},
			jen.Id("v").Op(":=").Id("c").Dot("rc").Dot("TokenVars").Call(jen.Id("tok")),
			jen.Return(jen.Id("TokenMetadata").Add(multi(items...))))
	}
}
