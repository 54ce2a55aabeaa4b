#!/usr/bin/env bash
# Start of the secure broker (docker-compose.secure.yml): format the storage once with the SCRAM
# users of the compose secret `kafka_scram_users` (`--add-scram` arguments, one a line), then run
# the image's own start (/etc/kafka/docker/run, in the official apache/kafka image and in the
# local equivalent alike), which finds the storage formatted. SCRAM users live in the metadata
# log, so they exist from the first start on, before any client logs in.
set -euo pipefail
data=${KAFKA_LOG_DIRS:-/var/lib/kafka/data}
if [[ ! -f $data/meta.properties ]]; then
  props=$(mktemp)
  cat >"$props" <<PROPS
process.roles=$KAFKA_PROCESS_ROLES
node.id=$KAFKA_NODE_ID
controller.quorum.voters=$KAFKA_CONTROLLER_QUORUM_VOTERS
controller.listener.names=$KAFKA_CONTROLLER_LISTENER_NAMES
listeners=$KAFKA_LISTENERS
listener.security.protocol.map=$KAFKA_LISTENER_SECURITY_PROTOCOL_MAP
inter.broker.listener.name=$KAFKA_INTER_BROKER_LISTENER_NAME
log.dirs=$data
PROPS
  mapfile -t scram </run/secrets/kafka_scram_users
  /opt/kafka/bin/kafka-storage.sh format --cluster-id "${CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}" --config "$props" "${scram[@]}"
  rm -f "$props"
fi
exec /etc/kafka/docker/run
