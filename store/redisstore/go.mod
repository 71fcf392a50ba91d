module github.com/oauthgen/oauthgen/store/redisstore

go 1.26.0

require (
	github.com/oauthgen/oauthgen v0.0.0
	github.com/redis/go-redis/v9 v9.23.0
	golang.org/x/oauth2 v0.37.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/santhosh-tekuri/jsonschema/v5 v5.3.1 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/crypto v0.36.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
)

replace github.com/oauthgen/oauthgen => ../..
