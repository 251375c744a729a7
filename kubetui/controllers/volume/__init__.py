"""The volume controllers: the PersistentVolume binder, the PVC and PV protection controllers, and the local-path
provisioner kind runs beside them."""
