{{- define "helpers.greet" -}}
hello {{ .Values.name }}
{{- end }}
{{- define "helpers.needs" -}}
{{ required "helpers need .Values.nope" .Values.nope }}
{{- end }}
