# Local equivalent of apache/kafka:3.9.1: the Apache Kafka 3.9.1 jars that deploy/kafka/pom.xml
# pins (fetched from Maven Central), Debian's Java 17, the same layout (/opt/kafka/bin, /opt/kafka/libs,
# /var/lib/kafka/data, user appuser) and the same configuration by KAFKA_* variables
# (/etc/kafka/docker/run). Built by deploy/docker/images.sh.
ARG BASE_IMAGE=waardigwerk-local/debian:bookworm

FROM ${BASE_IMAGE} AS jars
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y openjdk-17-jre-headless maven && rm -rf /var/lib/apt/lists/*
COPY deploy/kafka/pom.xml /build/pom.xml
COPY deploy/docker/kafka/trust-bundle.sh /build/trust-bundle.sh
# Maven trusts a proxy's CA only through a Java trust store: the build secret's certificates that
# the image does not know already are added to a throwaway copy of it (this stage only).
RUN --mount=type=secret,id=ca_bundle \
    trust=$(/build/trust-bundle.sh /run/secrets/ca_bundle) \
 && MAVEN_OPTS="$trust" mvn -q -B -f /build/pom.xml dependency:copy-dependencies -DincludeScope=runtime \
      -DoutputDirectory=/opt/kafka/libs -Dmaven.repo.local=/tmp/m2 \
 && rm -rf /tmp/m2 /tmp/trust

FROM ${BASE_IMAGE}
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y openjdk-17-jre-headless && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 1000 --user-group --no-create-home --home-dir /opt/kafka appuser \
 && install -d -o appuser -g appuser /var/lib/kafka/data /opt/kafka/config /mnt/shared/config
COPY --from=jars /opt/kafka/libs /opt/kafka/libs
COPY deploy/docker/kafka/bin /opt/kafka/bin
COPY deploy/docker/kafka/run /etc/kafka/docker/run
ENV PATH=/opt/kafka/bin:$PATH
USER appuser
WORKDIR /opt/kafka
VOLUME /var/lib/kafka/data
EXPOSE 9092
CMD ["/etc/kafka/docker/run"]
