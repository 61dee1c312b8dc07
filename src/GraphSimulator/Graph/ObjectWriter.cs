using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Unicode;
using MetaAdsSync.GraphSimulator.Data;

namespace MetaAdsSync.GraphSimulator.Graph;

/// <summary>The fields of accounts, campaigns, ad sets, ads and creatives, and how each is written.</summary>
internal static class ObjectWriter
{
    delegate void Write(Utf8JsonWriter writer, AdObject item);

    static readonly Dictionary<string, Write> Common = new(StringComparer.Ordinal)
    {
        ["id"] = (w, o) => w.WriteString("id", o.Id),
        ["account_id"] = (w, o) => w.WriteString("account_id", o.Account.AccountId),
        ["name"] = (w, o) => w.WriteString("name", o.Name),
        ["status"] = (w, o) => w.WriteString("status", o.Status),
        ["configured_status"] = (w, o) => w.WriteString("configured_status", o.Status),
        ["effective_status"] = (w, o) => w.WriteString("effective_status", o.EffectiveStatus),
        ["created_time"] = (w, o) => w.WriteString("created_time", o.CreatedText),
        ["updated_time"] = (w, o) => w.WriteString("updated_time", o.UpdatedText),
    };

    static readonly Dictionary<string, Write> Budgets = new(StringComparer.Ordinal)
    {
        // Meta leaves out a budget that is not set rather than sending null.
        ["daily_budget"] = (w, o) => { if (o.DailyBudget is { } b) w.WriteString("daily_budget", Json.Number(b)); },
        ["lifetime_budget"] = (w, o) => { if (o.LifetimeBudget is { } b) w.WriteString("lifetime_budget", Json.Number(b)); },
        ["budget_remaining"] = (w, o) => w.WriteString("budget_remaining", Json.Number((o.DailyBudget ?? o.LifetimeBudget ?? 0) * 37 / 100)),
        ["start_time"] = (w, o) => w.WriteString("start_time", o.CreatedText),
    };

    static readonly Dictionary<string, Write> CampaignFields = Merge(Common, Budgets, new()
    {
        ["objective"] = (w, o) => w.WriteString("objective", o.Objective),
        ["buying_type"] = (w, _) => w.WriteString("buying_type", "AUCTION"),
        ["bid_strategy"] = (w, o) => { if (o.DailyBudget is not null || o.LifetimeBudget is not null) w.WriteString("bid_strategy", "LOWEST_COST_WITHOUT_CAP"); },
        ["special_ad_categories"] = (w, _) => { w.WriteStartArray("special_ad_categories"); w.WriteEndArray(); },
    });

    static readonly Dictionary<string, Write> AdSetFields = Merge(Common, Budgets, new()
    {
        ["campaign_id"] = (w, o) => w.WriteString("campaign_id", o.CampaignId),
        ["bid_amount"] = (w, o) => { if (o.BidAmount is { } b) w.WriteNumber("bid_amount", b); },
        ["billing_event"] = (w, _) => w.WriteString("billing_event", "IMPRESSIONS"),
        ["optimization_goal"] = (w, o) => w.WriteString("optimization_goal", o.OptimizationGoal),
    });

    static readonly Dictionary<string, Write> AdFields = Merge(Common, new()
    {
        ["campaign_id"] = (w, o) => w.WriteString("campaign_id", o.CampaignId),
        ["adset_id"] = (w, o) => w.WriteString("adset_id", o.AdSetId),
        ["creative"] = (_, _) => { },
    });

    static readonly string[] CreativeFieldNames =
        ["id", "name", "title", "body", "image_url", "thumbnail_url", "image_hash", "object_type", "call_to_action_type", "status"];

    static readonly string[] AccountFieldNames =
        ["id", "account_id", "name", "currency", "timezone_name", "account_status", "created_time", "disable_reason", "amount_spent", "business_name"];

    public static readonly NodeType Creative = new("AdCreative", CreativeFieldNames);
    public static readonly NodeType Account = new("AdAccount", AccountFieldNames);
    public static readonly NodeType Campaign = new("Campaign", CampaignFields.Keys);
    public static readonly NodeType AdSet = new("AdSet", AdSetFields.Keys);
    public static readonly NodeType Ad = new("Ad", AdFields.Keys, new() { ["creative"] = Creative });

    public static readonly IReadOnlyList<SelectedField> IdOnly = FieldSelection.Names("id");

    public static NodeType For(Level level) => level switch
    {
        Level.Campaign => Campaign,
        Level.AdSet => AdSet,
        Level.Ad => Ad,
        _ => Account,
    };

    public static void WriteObject(Utf8JsonWriter writer, AdObject item, IReadOnlyList<SelectedField> fields)
    {
        var table = item.Level switch
        {
            Level.Campaign => CampaignFields,
            Level.AdSet => AdSetFields,
            _ => AdFields,
        };
        writer.WriteStartObject();
        foreach (var field in fields)
        {
            if (field.Name == "creative" && item.Creative is { } creative)
            {
                writer.WritePropertyName(CreativeName);
                WriteCreative(writer, creative, field.Sub ?? IdOnly);
            }
            else
            {
                table[field.Name](writer, item);
            }
        }

        writer.WriteEndObject();
    }

    public static void WriteAccount(Utf8JsonWriter writer, AdAccount account, IReadOnlyList<SelectedField> fields)
    {
        writer.WriteStartObject();
        foreach (var field in fields)
        {
            switch (field.Name)
            {
                case "id": writer.WriteString("id", account.Id); break;
                case "account_id": writer.WriteString("account_id", account.AccountId); break;
                case "name": writer.WriteString("name", account.Name); break;
                case "currency": writer.WriteString("currency", account.Currency); break;
                case "timezone_name": writer.WriteString("timezone_name", account.Timezone); break;
                case "account_status": writer.WriteNumber("account_status", account.AccountStatus); break;
                case "created_time": writer.WriteString("created_time", Json.Time(account.CreatedTime, account.Zone)); break;
                case "disable_reason": writer.WriteNumber("disable_reason", 0); break;
                case "amount_spent": writer.WriteString("amount_spent", Json.Number(account.Ads.Count * 18_731L + account.Campaigns.Count * 4_210L)); break;
                case "business_name": writer.WriteString("business_name", account.Name); break;
            }
        }

        writer.WriteEndObject();
    }

    static readonly JsonEncodedText CreativeName = JsonEncodedText.Encode("creative");
    static readonly JsonEncodedText IdName = JsonEncodedText.Encode("id");
    static readonly JsonEncodedText NameName = JsonEncodedText.Encode("name");
    static readonly JsonEncodedText TitleName = JsonEncodedText.Encode("title");
    static readonly JsonEncodedText BodyName = JsonEncodedText.Encode("body");
    static readonly JsonEncodedText ImageHashName = JsonEncodedText.Encode("image_hash");
    static readonly JsonEncodedText ObjectTypeName = JsonEncodedText.Encode("object_type");
    static readonly JsonEncodedText CallToActionTypeName = JsonEncodedText.Encode("call_to_action_type");
    static readonly JsonEncodedText StatusName = JsonEncodedText.Encode("status");
    static readonly JsonEncodedText ImageUrlName = JsonEncodedText.Encode("image_url");
    static readonly JsonEncodedText ThumbnailUrlName = JsonEncodedText.Encode("thumbnail_url");
    static readonly JsonEncodedText Share = JsonEncodedText.Encode("SHARE");
    static readonly JsonEncodedText Active = JsonEncodedText.Encode("ACTIVE");

    /// <summary>
    /// Creative URLs are long and unique like fbcdn's signed URLs: they are what makes ads pages heavy. Each is formatted
    /// straight into UTF-8 on the stack and written from there (the same bytes as from a string: the writer's encoder
    /// escapes either form alike): built as strings, their formatting, allocation and UTF-16 to UTF-8 transcoding were the
    /// simulator's top code in the CPU-bound scale bench (perf).
    /// </summary>
    static void WriteCreative(Utf8JsonWriter writer, Creative creative, IReadOnlyList<SelectedField> fields)
    {
        writer.WriteStartObject();
        var room = UrlRoom(creative);
        Span<byte> url = room <= StackUrlBytes ? stackalloc byte[StackUrlBytes] : new byte[room];
        foreach (var field in fields)
        {
            switch (field.Name)
            {
                case "id": writer.WriteString(IdName, creative.Id); break;
                case "name": writer.WriteString(NameName, creative.Name); break;
                case "title": writer.WriteString(TitleName, creative.Title); break;
                case "body": writer.WriteString(BodyName, creative.Body); break;
                case "image_hash": writer.WriteString(ImageHashName, creative.ImageHash); break;
                case "object_type": writer.WriteString(ObjectTypeName, Share); break;
                case "call_to_action_type": writer.WriteString(CallToActionTypeName, creative.CallToAction); break;
                case "status": writer.WriteString(StatusName, Active); break;
                case "image_url":
                    WriteUrl(writer, ImageUrlName, url, CultureInfo.InvariantCulture,
                        $"https://scontent.xx.fbcdn.net/v/t45.1600-4/{creative.Id}_{creative.ImageHash}_n.png?stp=dst-jpg&_nc_cat=108&ccb=1-7&_nc_sid=890911&_nc_ohc={creative.ImageHash.AsSpan(0, 12)}&_nc_ht=scontent.xx&oh=00_AfB{creative.ImageHash}&oe=6767A1B2");
                    break;
                case "thumbnail_url":
                    WriteUrl(writer, ThumbnailUrlName, url, CultureInfo.InvariantCulture,
                        $"https://external.xx.fbcdn.net/emg1/v/t13/{creative.ImageHash}?url=https%3A%2F%2Fscontent.xx.fbcdn.net%2Fv%2Ft45.1600-4%2F{creative.Id}_n.png&fb_obo=1&utld=fbcdn.net&stp=c0.5000x0.5000f_dst-emg0_p64x64_q75&ccb=13-1&oh=06_Q3{creative.ImageHash.AsSpan(0, 16)}&oe=6767A1B2&_nc_sid=58080a");
                    break;
            }
        }

        writer.WriteEndObject();
    }

    static void WriteUrl(Utf8JsonWriter writer, JsonEncodedText name, Span<byte> destination, IFormatProvider provider,
        [InterpolatedStringHandlerArgument(nameof(destination), nameof(provider))] ref Utf8.TryWriteInterpolatedStringHandler url)
    {
        if (!Utf8.TryWrite(destination, ref url, out var written))
        {
            throw new UnreachableException("a creative URL outgrew the room measured for it");
        }

        writer.WriteString(name, destination[..written]);
    }

    /// <summary>
    /// Room for either URL: their fixed text (under 256 bytes) and at most the id once and the hash three times, each
    /// UTF-16 unit at most 3 bytes of UTF-8. On the stack for the ids and hashes Meta and the data set have.
    /// </summary>
    static int UrlRoom(Creative creative) => 256 + 3 * (creative.Id.Length + 3 * creative.ImageHash.Length);

    const int StackUrlBytes = 1024;

    static Dictionary<string, Write> Merge(params Dictionary<string, Write>[] parts)
    {
        var merged = new Dictionary<string, Write>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            foreach (var (key, value) in part)
            {
                merged[key] = value;
            }
        }

        return merged;
    }
}
