// Wrapper so that etcd can be built with `go build` from the module proxy: go.etcd.io/etcd/server/v3
// replaces its sibling modules with local paths, which `go install pkg@version` refuses. Upstream's
// main is this one call.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
