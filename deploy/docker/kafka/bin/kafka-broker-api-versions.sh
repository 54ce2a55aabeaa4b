#!/usr/bin/env bash
KAFKA_HEAP_OPTS=-Xmx128m exec kafka-run-class.sh -Dorg.slf4j.simpleLogger.defaultLogLevel=warn kafka.admin.BrokerApiVersionsCommand "$@"
