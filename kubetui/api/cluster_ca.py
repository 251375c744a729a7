"""The cluster's CA bundle: what the kube-root-ca.crt ConfigMap publishes and the kubelet projects into pods."""

from __future__ import annotations

import base64
import textwrap

_BODY = base64.b64encode(b"kubetui simulated cluster CA: the API server of kubetui speaks plain HTTP." * 4).decode()
ROOT_CA = "-----BEGIN CERTIFICATE-----\n" + "\n".join(textwrap.wrap(_BODY, 64)) + "\n-----END CERTIFICATE-----\n"
