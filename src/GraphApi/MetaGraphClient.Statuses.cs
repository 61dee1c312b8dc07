using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace MetaAdsSync.GraphApi;

/// <summary>
/// Objects read by id, <c>GET /?ids=…&amp;fields=effective_status</c>: why a complete read of a level no longer listed
/// them. A look-up, never worth a wait: it is skipped while the account is blocked and gives up at a throttle.
/// </summary>
public sealed partial class MetaGraphClient
{
    /// <summary>Meta reads at most 50 ids in one call.</summary>
    public const int IdsPerCall = 50;

    const string Deleted = "DELETED";

    /// <summary>"(#803) Some of the aliases you requested do not exist: 1,2": the whole call fails, naming them.</summary>
    const int AliasesDoNotExist = 803;

    public async Task<ObjectStatuses> GetEffectiveStatusesAsync(string accountId, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var scope = new RateScope(MetaLevels.AccountNode(accountId), MetaUseCase.AdsManagement);
        var calls = new CallCounter();
        var statuses = new Dictionary<string, string>(StringComparer.Ordinal);
        var distinct = ids.Distinct(StringComparer.Ordinal).ToList();
        for (var at = 0; at < distinct.Count; at += IdsPerCall)
        {
            if (!await AskAsync(distinct.Skip(at).Take(IdsPerCall).ToList(), scope, calls, statuses, cancellationToken))
            {
                var notAsked = distinct.Skip(at).Where(id => !statuses.ContainsKey(id)).ToList();
                logger.LogInformation("{Account}: throttled; the status of {Count} object(s) is left for a later read", scope.AccountId, notAsked.Count);
                return new ObjectStatuses(statuses, notAsked, calls.Count);
            }
        }

        return new ObjectStatuses(statuses, [], calls.Count);
    }

    /// <summary>One call for up to 50 ids (one more for the rest when some do not exist); false when the account is throttled.</summary>
    async Task<bool> AskAsync(List<string> ids, RateScope scope, CallCounter calls, Dictionary<string, string> statuses, CancellationToken cancellationToken)
    {
        while (ids.Count > 0)
        {
            if (await transport.BlockedForAsync(scope, cancellationToken) > TimeSpan.Zero)
            {
                return false;
            }

            var url = transport.Build("", [new("ids", string.Join(',', ids)), new("fields", "effective_status")]);
            try
            {
                using var doc = await transport.GetAsync(url, scope, calls, cancellationToken, waitOutThrottles: false);
                foreach (var id in ids)
                {
                    if (doc.RootElement.ValueKind == JsonValueKind.Object
                        && doc.RootElement.TryGetProperty(id, out var node)
                        && node.ValueKind == JsonValueKind.Object
                        && MetaJson.String(node, "effective_status") is { } status)
                    {
                        statuses[id] = status;
                    }
                }

                return true;
            }
            catch (GraphApiException ex) when (ex.Error.Kind == GraphErrorKind.Throttled)
            {
                return false;
            }
            catch (GraphApiException ex) when (ex.Error.Code == AliasesDoNotExist && Named(ex.Error.Message, ids) is { Count: > 0 } gone)
            {
                foreach (var id in gone)
                {
                    statuses[id] = Deleted;
                }

                ids = ids.Except(gone, StringComparer.Ordinal).ToList();
            }
        }

        return true;
    }

    /// <summary>The asked ids an 803 message lists after its last colon.</summary>
    static List<string> Named(string message, List<string> asked)
    {
        var colon = message.LastIndexOf(':');
        var named = colon < 0
            ? []
            : message[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        return asked.Where(named.Contains).ToList();
    }
}
