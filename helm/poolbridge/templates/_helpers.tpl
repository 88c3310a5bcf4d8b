{{/* Chart name, overridable with nameOverride. */}}
{{- define "poolbridge.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name of the release's objects: "<release>-poolbridge", or the release name if it already contains the chart name. */}}
{{- define "poolbridge.fullname" -}}
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

{{- define "poolbridge.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "poolbridge.selectorLabels" -}}
app.kubernetes.io/name: {{ include "poolbridge.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "poolbridge.labels" -}}
helm.sh/chart: {{ include "poolbridge.chart" . }}
{{ include "poolbridge.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: poolbridge
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "poolbridge.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "poolbridge.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "poolbridge.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "poolbridge.leaseName" -}}
{{- default (printf "%s-leader" (include "poolbridge.fullname" .)) .Values.leaderElection.leaseName }}
{{- end }}

{{/*
Rules for Workloads and the Pods that materialize their instances. Granted cluster-wide when
watchNamespaces is empty, else once per watched namespace.
*/}}
{{- define "poolbridge.workloadRules" -}}
rules:
  - apiGroups: ["poolbridge.io"]
    resources: ["workloads"]
    verbs: ["get", "list", "watch", "update", "patch"]
  - apiGroups: ["poolbridge.io"]
    resources: ["workloads/status"]
    verbs: ["get", "update", "patch"]
  - apiGroups: ["poolbridge.io"]
    resources: ["workloads/finalizers"]
    verbs: ["update"]
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
  - apiGroups: [""]
    resources: ["pods/binding", "pods/eviction"]
    verbs: ["create"]
{{- end }}
