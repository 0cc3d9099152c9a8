package core

// The route lists of metrics.go, for TestObservedRoutesExist (package
// core_test), which checks them against web.New's routes.
var (
	UploadRoutes   = uploadRoutes
	FacilityRoutes = facilityRoutes
)
