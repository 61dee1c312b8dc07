# One image per host, built from the repository root: the build argument PROJECT names the host's folder under src/
# (Gateway, Orchestrator, EntityFetcher, InsightFetcher, GraphSimulator), e.g.
#   docker build --build-arg PROJECT=Gateway -t metaadssync-gateway .
# docker-compose.yml builds every host this way.

# Only the project files, each in its folder: the restore below is cached until one of them changes, whatever the
# code does (a COPY is cached by the content it copies, and this stage's output is the same while the projects are).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS projects
WORKDIR /repo
COPY src/ src/
RUN find src -type f ! -name '*.csproj' ! -name '*.props' -delete

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG PROJECT
RUN test -n "$PROJECT" || { echo "set the build argument PROJECT, e.g. --build-arg PROJECT=Gateway" >&2; exit 1; }
WORKDIR /repo
# The SDK version, the shared build settings and package versions, and the analyzer severities the build obeys.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY --from=projects /repo/src/ src/
RUN dotnet restore "src/$PROJECT/MetaAdsSync.$PROJECT.csproj"
COPY src/ src/
RUN dotnet publish "src/$PROJECT/MetaAdsSync.$PROJECT.csproj" -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
ARG PROJECT
WORKDIR /app
COPY --from=build /app .
# Every host is an ASP.NET Core app (health, metrics) on the same port inside its container.
ENV ASPNETCORE_URLS=http://+:8080 \
    METAADSSYNC_HOST_DLL=MetaAdsSync.$PROJECT.dll
EXPOSE 8080
USER $APP_UID
# exec: the host is the container's main process and gets its stop signal.
ENTRYPOINT ["/bin/sh", "-c", "exec dotnet \"$METAADSSYNC_HOST_DLL\" \"$@\"", "--"]
