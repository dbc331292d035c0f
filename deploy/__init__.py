"""Deployment files: the nginx configuration, `make cluster` (cluster.py), compose and k8s."""
