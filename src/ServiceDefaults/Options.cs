using System.ComponentModel.DataAnnotations;

namespace MetaAdsSync.ServiceDefaults;

/// <summary><c>ConnectionStrings:*</c>.</summary>
public sealed class ConnectionStringOptions
{
    public const string Section = "ConnectionStrings";

    [Required(AllowEmptyStrings = false, ErrorMessage = "ConnectionStrings:Postgres is required (an Npgsql connection string).")]
    public string Postgres { get; set; } = "";
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
