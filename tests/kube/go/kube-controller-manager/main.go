// Wrapper so that kube-controller-manager can be built with `go build` from the module proxy: the upstream
// module replaces its staging modules with local paths, which `go install pkg@version` refuses.
// Same imports as upstream's cmd/kube-controller-manager main.
package main

import (
	"os"
	_ "time/tzdata" // CronJob time zones, as upstream

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

func main() {
	os.Exit(cli.Run(app.NewControllerManagerCommand()))
}
