{{/* The chart's name, or nameOverride. */}}
{{- define "skiff.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-scoped name of every object, at most 63 characters. */}}
{{- define "skiff.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels that select the daemon pods (the DaemonSet selector and the Service selector). */}}
{{- define "skiff.selectorLabels" -}}
app.kubernetes.io/name: {{ include "skiff.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "skiff.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "skiff.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: daemon
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "skiff.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The API socket inside the pod: the host's socketDir is mounted at the same path. */}}
{{- define "skiff.socket" -}}
{{- printf "%s/skiff.sock" (trimSuffix "/" .Values.daemon.socketDir) }}
{{- end }}

{{/* SKIFF_JAVA_OPTS: the node's ID files when hostIdFiles, then the user's options. */}}
{{- define "skiff.javaOpts" -}}
{{- $opts := list }}
{{- if .Values.daemon.hostIdFiles }}
{{- $opts = append $opts "-Dskiff.subuid-file=/host/etc/subuid -Dskiff.subgid-file=/host/etc/subgid -Dskiff.passwd-file=/host/etc/passwd" }}
{{- end }}
{{- with .Values.daemon.javaOpts }}
{{- $opts = append $opts . }}
{{- end }}
{{- join " " $opts }}
{{- end }}

{{/* A health probe: curl over the API socket (health is not served on the metrics listener). */}}
{{- define "skiff.probe" -}}
{{- $root := index . 0 }}
{{- $path := index . 1 }}
{{- $p := index . 2 -}}
exec:
  command:
    - curl
    - --fail
    - --silent
    - --show-error
    - --max-time
    - {{ $p.timeoutSeconds | quote }}
    - --unix-socket
    - {{ include "skiff.socket" $root }}
    - http://d{{ $path }}
periodSeconds: {{ $p.periodSeconds }}
timeoutSeconds: {{ $p.timeoutSeconds }}
failureThreshold: {{ $p.failureThreshold }}
{{- end }}
