package storage

import "context"

// New validates cfg (see [Config.Validate]) and opens the backend it
// chooses: S3 when cfg.S3.Endpoint is set, the filesystem otherwise.
//
// For S3 it checks that the server is reachable and the credentials work,
// creating the bucket if it is missing; the error names the endpoint and the
// BUKTI_* variables to check. For the filesystem it creates cfg.Dir (0o750)
// and the staging directory inside it.
//
// Every operation of the store it returns is bounded by cfg.Timeout (see
// Config.Timeout), and its failures are classified: errors.Is(err,
// ErrUnavailable) when the store is down or too slow, errors.Is(err,
// ErrNoSpace) when it is full.
func New(ctx context.Context, cfg Config) (Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var st Store
	var err error
	switch {
	case cfg.S3.Endpoint != "":
		st, err = newS3(ctx, cfg.S3, cfg.timeout())
	default:
		st, err = newFS(cfg.Dir, cfg.MinFreeBytes)
	}
	if err != nil {
		return nil, err
	}
	return bound(st, cfg.timeout()), nil
}
