# learnchain node image. Multi-stage: the first stage builds the distribution tarball with the
# Maven wrapper, the second runs it on a JRE as an unprivileged user.
#   docker build -t learnchain .
#   docker run --rm learnchain devnet --rounds 2 --dataset digits
# Written for the project; no Docker engine was available where it was written, so it has not been
# built or run (see README).

FROM eclipse-temurin:17-jdk-jammy AS build
WORKDIR /src
COPY . .
RUN ./mvnw -q -B -DskipTests -Pdist package \
 && mkdir /dist \
 && tar -xzf node-app/target/learnchain-*-dist.tar.gz -C /dist --strip-components=1

FROM eclipse-temurin:17-jre-jammy
RUN groupadd --system --gid 10001 learnchain \
 && useradd --system --uid 10001 --gid learnchain --home-dir /var/lib/learnchain --create-home learnchain \
 && mkdir /testnet && chown learnchain:learnchain /testnet
COPY --from=build /dist /opt/learnchain
ENV PATH=/opt/learnchain/bin:$PATH \
    OMP_NUM_THREADS=1 \
    JAVA_OPTS="-Dorg.bytedeco.javacpp.cachedir=/var/lib/learnchain/.javacpp"
USER learnchain
WORKDIR /var/lib/learnchain
# p2p, gRPC (loopback inside the container unless the config says otherwise), metrics.
EXPOSE 30300 30301 30302
# The node answers its own API: a status call within 5 s means it is up and serving.
HEALTHCHECK --interval=30s --timeout=15s --start-period=120s --retries=3 \
  CMD ["learnchain", "admin", "status", "--node", "127.0.0.1:30301", "--timeout", "5"]
ENTRYPOINT ["learnchain"]
CMD ["--help"]
