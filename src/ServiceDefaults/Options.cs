using System.ComponentModel.DataAnnotations;

namespace MetaAdsSync.ServiceDefaults;

/// <summary><c>ConnectionStrings:*</c>.</summary>
public sealed class ConnectionStringOptions
{
    public const string Section = "ConnectionStrings";

    [Required(AllowEmptyStrings = false, ErrorMessage = "ConnectionStrings:Postgres is required (an Npgsql connection string).")]
    public string Postgres { get; set; } = "";

    /// <summary>
    /// Where the one connection that needs a PostgreSQL session of its own goes: the rate gate's <c>LISTEN</c> (Gateway,
    /// fetchers) or the migrator's advisory lock (Orchestrator). Unset, it is <see cref="Postgres"/>; behind PgBouncer in
    /// transaction mode it names a session-mode pool or the server itself.
    /// </summary>
    public string? PostgresSession { get; set; }
}

/// <summary><c>Postgres:*</c>: this host's share of PostgreSQL's connections (the README's "Connection budget").</summary>
public sealed class PostgresOptions
{
    public const string Section = "Postgres";

    /// <summary>
    /// The most connections this host's pool opens (EF Core and every statement share it); the session connection is one
    /// more. Each host role has its own default (<c>ConnectionBudget</c> in src/Storage).
    /// </summary>
    [Range(1, 1000, ErrorMessage = "Postgres:MaxPoolSize must be between 1 and 1000.")]
    public int MaxPoolSize { get; set; }

    /// <summary>
    /// How long a statement waits for a connection (a free one of the pool, or a new one to open) before it fails:
    /// Npgsql's <c>Timeout</c>, in whole seconds. A message whose statement waited this long is retried, never failed.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:17:04", ErrorMessage = "Postgres:AcquireTimeout must be between 1 s and 1024 s.")]
    public TimeSpan AcquireTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary><c>RabbitMq:*</c>: where the broker is. The password is a secret: it is never logged.</summary>
public sealed class RabbitMqOptions
{
    public const string Section = "RabbitMq";

    [Required(AllowEmptyStrings = false, ErrorMessage = "RabbitMq:Host is required.")]
    public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535, ErrorMessage = "RabbitMq:Port must be between 1 and 65535.")]
    public int Port { get; set; } = 5672;

    [Required(AllowEmptyStrings = false, ErrorMessage = "RabbitMq:Username is required.")]
    public string Username { get; set; } = "guest";

    [Required(AllowEmptyStrings = false, ErrorMessage = "RabbitMq:Password is required.")]
    public string Password { get; set; } = "guest";

    [Required(AllowEmptyStrings = false, ErrorMessage = "RabbitMq:VirtualHost is required (\"/\" for the default).")]
    public string VirtualHost { get; set; } = "/";
}

/// <summary><c>JitProfile:*</c>: the host's multi-core JIT profile (<see cref="JitProfile"/>).</summary>
public sealed class JitProfileOptions
{
    public const string Section = "JitProfile";

    /// <summary>Where profiles are kept (unset: <see cref="JitProfile.DefaultDirectory"/>; empty: no profile).</summary>
    public string? Directory { get; set; }

    /// <summary>How long the process records before it saves (the runtime plays a profile back for a minute at most).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "JitProfile:RecordFor must be between 1 s and 1 h.")]
    public TimeSpan RecordFor { get; set; } = TimeSpan.FromSeconds(60);
}
