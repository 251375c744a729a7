"""The horizontal pod autoscaler (``pkg/controller/podautoscaler``): the controller, its replica calculator,
its metrics client and the stabilization and rate rules that keep it from flapping."""
