// Package redisstore keeps oauthgen tokens in Redis.
package redisstore
