"""kubetui: a Kubernetes cluster inside one Python process, shown live in the terminal."""
