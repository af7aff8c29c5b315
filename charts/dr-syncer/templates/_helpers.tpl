{{/* Labels of every object: those of deploy/ plus Helm's bookkeeping. */}}
{{- define "dr-syncer.labels" -}}
app.kubernetes.io/name: dr-syncer
app.kubernetes.io/part-of: dr-syncer
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Pod selector of the controller (immutable once installed). */}}
{{- define "dr-syncer.selector" -}}
app.kubernetes.io/name: dr-syncer
app.kubernetes.io/component: controller
{{- end -}}

{{- define "dr-syncer.namespace" -}}
{{ required "namespace.name is required" .Values.namespace.name }}
{{- end -}}

{{/* The port of a HOST:PORT or :PORT address. */}}
{{- define "dr-syncer.port" -}}
{{- $port := regexFind "[0-9]+$" . -}}
{{- if not (regexMatch "^(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]*):[0-9]{1,5}$" .) -}}
{{- fail (printf "%q is not HOST:PORT or :PORT" .) -}}
{{- end -}}
{{ $port }}
{{- end -}}

{{- define "dr-syncer.scaleOutFlag" -}}
{{- if eq .Values.scaleOut "leaderElection" -}}
--leader-elect
{{- else if eq .Values.scaleOut "sharding" -}}
--sharding
{{- else if ne .Values.scaleOut "none" -}}
{{- fail (printf "scaleOut must be leaderElection, sharding or none, not %q" .Values.scaleOut) -}}
{{- end -}}
{{- end -}}
