using MetaAdsSync.ServiceDefaults;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace MetaAdsSync.Orchestrator.Saga;

/// <summary>
/// Whether a message waits, not yet delivered to any consumer, in the queues a run's progress passes through: the
/// fetchers' commands and the saga's own events. The watchdog asks it to tell a run whose commands are queued behind
/// other accounts' work from one whose command was lost (<see cref="RunWatchdog"/>).
/// </summary>
public interface IQueuedWork
{
    /// <summary>True when a message waits in one of the queues, false when none does, null when the broker could not say.</summary>
    Task<bool?> AnyWaitingAsync(CancellationToken cancellationToken);
}

/// <summary>
/// <see cref="IQueuedWork"/> from RabbitMQ: a passive declare of each queue answers its count of messages ready for
/// delivery (those delivered and not yet acknowledged are a consumer's, not waiting). One connection of its own, opened
/// at the first sweep and again after it broke; a channel per look, since a queue not declared yet (no consumer ever
/// started: nothing published there was kept) closes the channel that asked.
/// </summary>
public sealed class RabbitMqQueuedWork(IOptions<RabbitMqOptions> options, ILogger<RabbitMqQueuedWork> logger, IReadOnlyList<string> queues)
    : IQueuedWork, IAsyncDisposable
{
    readonly SemaphoreSlim _gate = new(1, 1);
    IConnection? _connection;

    public async Task<bool?> AnyWaitingAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _connection = _connection is { IsOpen: true } open ? open : await ConnectAsync(cancellationToken);
            foreach (var queue in queues)
            {
                if (await ReadyAsync(_connection, queue, cancellationToken) > 0)
                {
                    return true;
                }
            }

            return false;
        }
        catch (Exception ex) when (ex is BrokerUnreachableException or OperationInterruptedException or AlreadyClosedException or IOException or TimeoutException)
        {
            logger.LogWarning("Watchdog could not read the queues' depth: {Error}", ex.Message);
            return null;
        }
        finally
        {
            _gate.Release();
        }
    }

    static async Task<uint> ReadyAsync(IConnection connection, string queue, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == Constants.NotFound)
        {
            return 0;
        }
    }

    Task<IConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var rabbit = options.Value;
        var factory = new ConnectionFactory
        {
            HostName = rabbit.Host, Port = rabbit.Port, VirtualHost = rabbit.VirtualHost, UserName = rabbit.Username, Password = rabbit.Password,
            ClientProvidedName = "orchestrator-watchdog",
        };
        return factory.CreateConnectionAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            await connection.DisposeAsync();
        }

        _gate.Dispose();
    }
}
