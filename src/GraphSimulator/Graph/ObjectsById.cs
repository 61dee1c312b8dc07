using MetaAdsSync.GraphSimulator.Data;

namespace MetaAdsSync.GraphSimulator.Graph;

/// <summary>
/// <c>GET /?ids=1,2,3&amp;fields=…</c>: up to 50 objects by id in one call, answered as <c>{"1":{…},"2":{…}}</c>.
/// DELETED and ARCHIVED objects answer with their status, as Meta keeps them readable by id; an id that does not
/// exist (never did, or was purged), or that the token cannot read, fails the whole call with code 803.
/// </summary>
internal static class ObjectsById
{
    public const int MaxIds = 50;

    public static Route Route(string? raw, DataSet data)
    {
        var ids = (raw ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
        if (ids.Count == 0)
        {
            throw GraphErrors.InvalidParameter("Param ids is required on the root: GET /?ids=1,2,3");
        }

        if (ids.Count > MaxIds)
        {
            throw GraphErrors.InvalidParameter($"Param ids names {ids.Count} objects; the limit is {MaxIds}");
        }

        // The call counts against the account's budget when every id it can find belongs to one account.
        var accounts = ids.Select(id => AccountOf(id, data)).OfType<AdAccount>().Distinct().ToList();
        return new Route("ids", accounts is [{ Accessible: true } only] ? only : null, null, null) { Ids = ids };
    }

    public static JsonBody Write(GraphRequest request, Route route, DataSet data)
    {
        var missing = route.Ids!.Where(id => AccountOf(id, data) is not { Accessible: true }).ToList();
        if (missing.Count > 0)
        {
            throw GraphErrors.AliasesDoNotExist(missing);
        }

        var fields = request.Param("fields");
        var nodes = route.Ids!.Select(id => (Id: id, Object: data.Object(id), Account: data.Account(id))).ToList();
        // Every field must exist on every type asked for, as Meta checks before answering any of them.
        var byLevel = nodes.Where(n => n.Object is not null).Select(n => n.Object!.Level).Distinct()
            .ToDictionary(level => level, level => FieldSelection.Parse(fields, ObjectWriter.For(level), ObjectWriter.IdOnly));
        var accountFields = nodes.Any(n => n.Object is null) ? FieldSelection.Parse(fields, ObjectWriter.Account, ObjectWriter.IdOnly) : [];
        return Json.Write(w =>
        {
            w.WriteStartObject();
            foreach (var (id, item, account) in nodes)
            {
                w.WritePropertyName(id);
                if (item is not null)
                {
                    ObjectWriter.WriteObject(w, item, byLevel[item.Level]);
                }
                else
                {
                    ObjectWriter.WriteAccount(w, account!, accountFields);
                }
            }

            w.WriteEndObject();
        }, 256 * nodes.Count);
    }

    static AdAccount? AccountOf(string id, DataSet data) =>
        id.StartsWith("act_", StringComparison.Ordinal) ? data.Account(id) : data.Object(id)?.Account;
}
