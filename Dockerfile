# The server image: build on Debian 12 with its packaged libraries, run on a slim Debian 12.
FROM debian:12 AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config libuv1-dev libcurl4-openssl-dev libjansson-dev libsodium-dev \
      libhttp-parser-dev libwslay-dev libhiredis-dev uthash-dev libssl-dev zlib1g-dev libzstd-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY src ./src
COPY infra/local ./infra/local
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DSD_BUILD_TESTS=OFF && cmake --build build -j"$(nproc)"

# The web client, bundled by esbuild (npm) into web/dist.
FROM debian:12 AS web
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web ./web
RUN node web/build.mjs

FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
      libuv1 libcurl4 libjansson4 libsodium23 libhttp-parser2.9 libwslay1 libhiredis0.14 zlib1g libzstd1 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* && useradd --system --home /app simplediscord
WORKDIR /app
COPY --from=build /src/build/simplediscord /usr/local/bin/simplediscord
COPY config ./config
COPY --from=web /src/web/dist ./web/dist
USER simplediscord
ENV HOST=0.0.0.0 PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
CMD ["simplediscord", "serve"]
