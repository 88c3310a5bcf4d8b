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

{{/* Whether leader election is on: as set, else when replicaCount > 1. */}}
{{- define "poolbridge.leaderElection" -}}
{{- if kindIs "bool" .Values.leaderElection.enabled }}
{{- .Values.leaderElection.enabled }}
{{- else }}
{{- gt (int .Values.replicaCount) 1 }}
{{- end }}
{{- end }}

{{/* The RoleBinding/ClusterRoleBinding subject: the operator's ServiceAccount. */}}
{{- define "poolbridge.subjects" -}}
subjects:
  - kind: ServiceAccount
    name: {{ include "poolbridge.serviceAccountName" . }}
    namespace: {{ .Release.Namespace }}
{{- end }}

{{/*
Rules for the Workloads' namespaces (helm/poolbridge/rbac-expected.yaml "watched"): granted
cluster-wide when watchNamespaces is empty, else once per watched namespace.
*/}}
{{- define "poolbridge.workloadRules" -}}
rules:
  - apiGroups: ["poolbridge.io"]
    resources: ["workloads"]
    verbs: ["get", "list", "watch", "patch"]
  - apiGroups: ["poolbridge.io"]
    resources: ["workloads/status"]
    verbs: ["patch"]
  # Pods carry an owner reference to their Workload with blockOwnerDeletion.
  - apiGroups: ["poolbridge.io"]
    resources: ["workloads/finalizers"]
    verbs: ["update"]
  # The Pods of placed instances: made, watched (their end, their readiness), removed.
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["list", "watch", "create", "delete"]
  # A Pod that may still run is removed through the Eviction API, so PodDisruptionBudgets hold.
  - apiGroups: [""]
    resources: ["pods/eviction"]
    verbs: ["create"]
  # The headless Service and EndpointSlices of Workloads on static machines.
  - apiGroups: [""]
    resources: ["services"]
    verbs: ["get", "create", "patch", "delete"]
  - apiGroups: ["discovery.k8s.io"]
    resources: ["endpointslices"]
    verbs: ["list", "create", "patch", "delete"]
  - apiGroups: [""]
    resources: ["events"]
    verbs: ["create"]
{{- end }}
