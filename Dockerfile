# learnchain node image. It packages the distribution Maven already built on the host, so build
# that first; nothing is compiled or downloaded from Maven Central inside the image build:
#   ./mvnw -q -B -pl node-app -am package -DskipTests
#   docker build -t learnchain .
#   docker run --rm learnchain devnet --rounds 2 --dataset digits
# BASE_IMAGE is the runtime's base: by default the public Temurin JRE. Where no registry is
# reachable, a local Debian base works too (docker/base-image.sh makes one); Debian's OpenJDK 17
# JRE is then installed from its mirror, which needs the network (`docker build --network host`):
#   docker build --network host --build-arg BASE_IMAGE=learnchain-base:bookworm -t learnchain .
ARG BASE_IMAGE=eclipse-temurin:17-jre-jammy

# Sorts Maven's output into the distribution's layout (bin/learnchain, learnchain.jar, lib/) and
# splits the project's own jars from the third-party ones, so that a code change rebuilds a
# layer of a few MB rather than the 270 MB of libraries and natives.
FROM ${BASE_IMAGE} AS dist
COPY node-app/target/lib/ /dist/lib/
COPY node-app/target/learnchain.jar /dist/app/
COPY node-app/src/dist/bin/learnchain /dist/app/bin/learnchain
COPY docker/healthcheck.sh /dist/app/bin/healthcheck
RUN mkdir /dist/app/lib \
 && mv /dist/lib/learnchain-*.jar /dist/app/lib/ \
 && chmod 0755 /dist/app/bin/learnchain /dist/app/bin/healthcheck

FROM ${BASE_IMAGE}
# The public JRE images have java; a bare Debian base gets Debian's headless OpenJDK 17 JRE.
RUN if ! command -v java >/dev/null 2>&1; then \
      apt-get update \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jre-headless \
      && apt-get clean && rm -rf /var/lib/apt/lists/*; \
    fi \
 && java -version \
 && groupadd --system --gid 10001 learnchain \
 && useradd --system --uid 10001 --gid learnchain --home-dir /var/lib/learnchain --create-home learnchain \
 && mkdir /testnet && chown learnchain:learnchain /testnet
# Root-owned and read-only for the node's user. Third-party libraries first (they rarely change).
COPY --from=dist /dist/lib/ /opt/learnchain/lib/
COPY --from=dist /dist/app/ /opt/learnchain/
# JavaCPP unpacks ND4J's natives under $HOME/.javacpp at first use (in the container's own layer).
ENV PATH=/opt/learnchain/bin:$PATH \
    HOME=/var/lib/learnchain \
    OMP_NUM_THREADS=1
USER learnchain
WORKDIR /var/lib/learnchain
# p2p, gRPC, metrics (and /health), web explorer. gRPC, metrics and the explorer bind the
# container's loopback unless the config or LEARNCHAIN_<KEY> variables say 0.0.0.0 (compose does).
EXPOSE 30300 30301 30302 30303
# GET /health on the metrics port (LEARNCHAIN_HEALTH_PORT, default 30302) answers 200 while the node
# runs: a few lines of bash, no JVM started per check.
HEALTHCHECK --interval=15s --timeout=10s --start-period=120s --retries=3 CMD ["healthcheck"]
ENTRYPOINT ["learnchain"]
CMD ["--help"]
