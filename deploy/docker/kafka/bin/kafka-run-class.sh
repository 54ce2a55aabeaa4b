#!/usr/bin/env bash
# kafka-run-class.sh CLASS [ARGS]: run a class of the Kafka jars on the image's Java.
# shellcheck disable=SC2086 # the *_OPTS variables are lists of options
exec java ${KAFKA_HEAP_OPTS:-} ${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20} ${KAFKA_OPTS:-} \
  -cp "/opt/kafka/libs/*" "$@"
