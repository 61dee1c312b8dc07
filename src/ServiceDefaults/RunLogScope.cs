using System.Diagnostics;
using System.Reflection;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace MetaAdsSync.ServiceDefaults;

/// <summary>
/// Puts the sync's RunId and AccountId in the logging scope of everything that handles a message of a run (fetchers,
/// the saga and its activities), so every log line of a run carries them, and tags the consume span with them.
/// </summary>
public sealed class RunLogScopeFilter<T>(ILogger<RunLogScopeFilter<T>> logger) : IFilter<ConsumeContext<T>>
    where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        if (RunIdentity<T>.Read(context.Message) is not { } run)
        {
            await next.Send(context);
            return;
        }

        Activity.Current?.SetTag("metaadssync.run_id", run.RunId);
        Activity.Current?.SetTag("metaadssync.account_id", run.AccountId);
        using (logger.BeginScope("RunId:{RunId} AccountId:{AccountId}", run.RunId, run.AccountId))
        {
            await next.Send(context);
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("runLogScope");
}

/// <summary>Reads <c>RunId</c> and <c>AccountId</c> off a message (or the message inside a <see cref="Fault{T}"/>), once per type.</summary>
static class RunIdentity<T>
{
    static readonly Func<object, (Guid RunId, string AccountId)?> Reader = Build(typeof(T));

    public static (Guid RunId, string AccountId)? Read(T message) => Reader(message!);

    static Func<object, (Guid, string)?> Build(Type type)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Fault<>))
        {
            var inner = Build(type.GetGenericArguments()[0]);
            var property = type.GetProperty(nameof(Fault<object>.Message))!;
            return m => property.GetValue(m) is { } faulted ? inner(faulted) : null;
        }

        var runId = type.GetProperty("RunId", BindingFlags.Public | BindingFlags.Instance);
        var accountId = type.GetProperty("AccountId", BindingFlags.Public | BindingFlags.Instance);
        if (runId?.PropertyType != typeof(Guid) || accountId?.PropertyType != typeof(string))
        {
            return _ => null;
        }

        return m => ((Guid)runId.GetValue(m)!, (string)accountId.GetValue(m)!);
    }
}
