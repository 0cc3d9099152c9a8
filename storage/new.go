package storage

import "context"

// New validates cfg (see [Config.Validate]) and opens the backend it
// chooses: S3 when cfg.S3.Endpoint is set, the filesystem otherwise.
//
// For S3 it checks that the server is reachable and the credentials work,
// creating the bucket if it is missing; the error names the endpoint and the
// BUKTI_* variables to check. For the filesystem it creates cfg.Dir (0o750)
// and the staging directory inside it.
func New(ctx context.Context, cfg Config) (Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	switch {
	case cfg.S3.Endpoint != "":
		return newS3(ctx, cfg.S3)
	default:
		return newFS(cfg.Dir)
	}
}
