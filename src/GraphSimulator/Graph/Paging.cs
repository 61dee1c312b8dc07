using System.Text;
using System.Text.Json;

namespace MetaAdsSync.GraphSimulator.Graph;

/// <summary>
/// Cursor paging as Meta does it: <c>{"data":[…],"paging":{"cursors":{"before","after"},"next"}}</c>, where
/// <c>next</c> is a full URL with the client's own query (its <c>access_token</c> too when it sent one in the
/// query) and is left out on the last page, the only end signal; <c>cursors.after</c> is there on every page.
/// </summary>
internal static class Paging
{
    public const int DefaultLimit = 25;

    public static JsonBody Write<T>(
        GraphRequest request, IReadOnlyList<T> rows, int maxLimit, string query, Cursors cursors, Action<Utf8JsonWriter, T> writeRow, int rowBytes = 512)
    {
        var limit = Limit(request, maxLimit);
        var scope = Cursors.Scope(query);
        var (start, end) = Window(request, rows.Count, limit, scope, cursors);
        return Json.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("data");
            for (var i = start; i < end; i++)
            {
                writeRow(writer, rows[i]);
            }

            writer.WriteEndArray();
            if (end > start)
            {
                writer.WriteStartObject("paging");
                writer.WriteStartObject("cursors");
                writer.WriteString("before", cursors.Create(start, scope));
                writer.WriteString("after", cursors.Create(end - 1, scope));
                writer.WriteEndObject();
                if (start > 0)
                {
                    writer.WriteString("previous", Link(request, "before", cursors.Create(start, scope)));
                }

                if (end < rows.Count)
                {
                    writer.WriteString("next", Link(request, "after", cursors.Create(end - 1, scope)));
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }, 1024 + (end - start) * rowBytes);
    }

    static int Limit(GraphRequest request, int maxLimit)
    {
        var raw = request.Param("limit");
        if (raw is null)
        {
            return DefaultLimit;
        }

        if (!int.TryParse(raw, out var limit))
        {
            throw GraphErrors.InvalidParameter("Param limit must be a valid integer");
        }

        // Meta quietly serves its maximum when asked for more.
        return limit <= 0 ? DefaultLimit : Math.Min(limit, maxLimit);
    }

    static (int Start, int End) Window(GraphRequest request, int count, int limit, ulong scope, Cursors cursors)
    {
        if (request.Param("after") is { } after)
        {
            var start = Math.Min(count, cursors.Read(after, scope, "after") + 1);
            return (start, Math.Min(count, start + limit));
        }

        if (request.Param("before") is { } before)
        {
            var end = Math.Min(count, cursors.Read(before, scope, "before"));
            return (Math.Max(0, end - limit), end);
        }

        return (0, Math.Min(count, limit));
    }

    static string Link(GraphRequest request, string name, string cursor)
    {
        var url = new StringBuilder(request.BaseUrl);
        if (request.Version.Length > 0)
        {
            url.Append(request.Version).Append('/');
        }

        url.Append(request.Path).Append('?');
        var first = true;
        void Add(string key, string value)
        {
            url.Append(first ? "" : "&").Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
            first = false;
        }

        foreach (var (key, value) in request.Query)
        {
            if (key is not ("after" or "before") && (key != "access_token" || request.TokenInQuery))
            {
                Add(key, value);
            }
        }

        Add(name, cursor);
        return url.ToString();
    }
}
