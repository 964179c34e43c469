# syntax=docker/dockerfile:1.7
# The SPA, built once and served by unprivileged nginx with SPA fallback (seed notes: frontend on ECS).
#   docker build -f docker/frontend.Dockerfile -t cruddur/frontend .
# Node 24: the active LTS (supported to April 2028); package.json `engines` admits it.
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY frontend-react-js/package.json frontend-react-js/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend-react-js/ ./
RUN npm run build

FROM nginxinc/nginx-unprivileged:1.27-alpine AS runtime
# /api/*, /config.json and /docs go to the API (the gateway locally, the ALB in AWS).
ENV CRUDDUR_API_UPSTREAM=http://gateway:8080
COPY docker/nginx.conf.template /etc/nginx/templates/default.conf.template
COPY --from=build /src/dist /usr/share/nginx/html
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --retries=3 CMD wget -q -O /dev/null http://127.0.0.1:8080/ || exit 1
