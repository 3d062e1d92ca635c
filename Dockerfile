# outrigger: the same steps as README "Install into Spinnaker" → "Run outrigger" (a test keeps them identical).
# Build stage: install and build (nothing is compiled: the embedded store is Node's built-in node:sqlite).
FROM node:24-bookworm-slim AS build
WORKDIR /opt/outrigger
COPY . .
RUN npm ci
RUN npm run build

# Run stage: Node.js 24, Debian's packer, the built tree; runs as the unprivileged `node` user (uid 1000).
FROM node:24-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends packer ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/outrigger
COPY --from=build --chown=root:root /opt/outrigger /opt/outrigger
RUN mkdir -p /var/lib/outrigger /etc/outrigger && chown node:node /var/lib/outrigger
USER node
ENV NODE_ENV=production OUTRIGGER_CONFIG=/etc/outrigger/outrigger.yml
VOLUME /var/lib/outrigger
EXPOSE 7011
ENTRYPOINT ["node", "packages/server/dist/cli.js"]
CMD ["serve", "--config", "/etc/outrigger/outrigger.yml", "--host", "0.0.0.0", "--data-dir", "/var/lib/outrigger"]
