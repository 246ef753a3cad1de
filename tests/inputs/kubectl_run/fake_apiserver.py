#!/usr/bin/env python3
"""A minimal stand-in for an API server, for recording the real kubectl offline.

kubectl run, expose and the set commands need discovery (to map a kind to its resource)
and, for expose and set without --local, the object itself. This serves:
  /api, /api/v1, /apis, /apis/apps/v1   discovery documents (written here by hand)
  GET  .../namespaces/NS/RESOURCE/NAME   the object from objects/RESOURCE/NAME.json
Anything else answers 404 with a Status. It never changes anything: recordings only use
--dry-run=client and --local.
Usage: fake_apiserver.py PORT OBJECTS_DIR
"""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

def res(name, kind, namespaced=True, short=None, verbs=None):
    r = {"name": name, "singularName": kind.lower(), "namespaced": namespaced, "kind": kind,
         "verbs": verbs or ["create", "delete", "get", "list", "patch", "update", "watch"]}
    if short:
        r["shortNames"] = short
    return r

CORE = {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
    res("pods", "Pod", short=["po"]),
    res("services", "Service", short=["svc"]),
    res("replicationcontrollers", "ReplicationController", short=["rc"]),
    res("configmaps", "ConfigMap", short=["cm"]),
    res("secrets", "Secret"),
    res("serviceaccounts", "ServiceAccount", short=["sa"]),
    res("namespaces", "Namespace", namespaced=False, short=["ns"]),
]}
APPS = {"kind": "APIResourceList", "groupVersion": "apps/v1", "resources": [
    res("deployments", "Deployment", short=["deploy"]),
    res("replicasets", "ReplicaSet", short=["rs"]),
    res("statefulsets", "StatefulSet", short=["sts"]),
    res("daemonsets", "DaemonSet", short=["ds"]),
]}
BATCH = {"kind": "APIResourceList", "groupVersion": "batch/v1", "resources": [
    res("jobs", "Job"),
    res("cronjobs", "CronJob", short=["cj"]),
]}
DOCS = {
    "/api": {"kind": "APIVersions", "versions": ["v1"],
             "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}]},
    "/api/v1": CORE,
    "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
        {"name": "apps", "versions": [{"groupVersion": "apps/v1", "version": "v1"}],
         "preferredVersion": {"groupVersion": "apps/v1", "version": "v1"}},
        {"name": "batch", "versions": [{"groupVersion": "batch/v1", "version": "v1"}],
         "preferredVersion": {"groupVersion": "batch/v1", "version": "v1"}}]},
    "/apis/apps/v1": APPS,
    "/apis/batch/v1": BATCH,
}

OBJECTS = sys.argv[2] if len(sys.argv) > 2 else "."

class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def send(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path in DOCS:
            return self.send(200, DOCS[path])
        parts = path.strip("/").split("/")
        if "namespaces" in parts and len(parts) >= 2:
            i = parts.index("namespaces")
            if len(parts) == i + 4:
                f = os.path.join(OBJECTS, parts[i + 2], parts[i + 3] + ".json")
                if os.path.exists(f):
                    with open(f) as fh:
                        return self.send(200, json.load(fh))
                return self.send(404, {"kind": "Status", "apiVersion": "v1", "metadata": {},
                    "status": "Failure", "reason": "NotFound", "code": 404,
                    "message": '%s "%s" not found' % (parts[i + 2], parts[i + 3]),
                    "details": {"name": parts[i + 3], "kind": parts[i + 2]}})
        self.send(404, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                        "reason": "NotFound", "code": 404, "message": "the server could not find the requested resource"})

    do_POST = do_PUT = do_PATCH = do_DELETE = lambda self: self.send(405, {"kind": "Status", "apiVersion": "v1",
        "metadata": {}, "status": "Failure", "reason": "MethodNotAllowed", "code": 405,
        "message": "fake_apiserver.py answers reads only"})

HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
