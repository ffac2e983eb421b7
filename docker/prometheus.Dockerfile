# Prometheus from Debian's package, for machines that reach a Debian mirror but no image registry
# (the container test uses it in place of prom/prometheus). compose.yaml passes the same arguments
# to either image. Build it with this folder as the context and the network for apt:
#   docker build --network host -f docker/prometheus.Dockerfile -t learnchain-prometheus docker
ARG BASE_IMAGE=learnchain-base:bookworm
FROM ${BASE_IMAGE}
# No service starts inside an image build (policy-rc.d 101), then the package and its data dir.
RUN printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus \
 && apt-get clean && rm -rf /var/lib/apt/lists/* /usr/sbin/policy-rc.d \
 && mkdir -p /prometheus && chown prometheus:prometheus /prometheus
USER prometheus
WORKDIR /prometheus
EXPOSE 9090
ENTRYPOINT ["/usr/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
