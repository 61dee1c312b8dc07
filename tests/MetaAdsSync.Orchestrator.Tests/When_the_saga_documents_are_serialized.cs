using System.Text.Json;
using MetaAdsSync.Contracts;
using MetaAdsSync.Storage.Entities;

namespace MetaAdsSync.Orchestrator.Tests;

/// <summary>
/// The ledger and the plan are written with serializer code generated at build time: the documents stay the ones the
/// reflection-based serializer wrote (rows of runs in flight across the upgrade are read by it), and read back whole.
/// </summary>
public class When_the_saga_documents_are_serialized
{
    static readonly JsonSerializerOptions Reflection = new(JsonSerializerDefaults.Web);

    static RunLedger Ledger()
    {
        var attempt = Guid.NewGuid();
        return new RunLedger
        {
            Entities =
            {
                [Guid.NewGuid()] = new EntityPartitionRead
                {
                    Level = EntityLevel.Ad,
                    Partition = new Partition(PartitionKind.Campaigns, ["c1", "c2"]),
                    UpdatedSince = DateTimeOffset.Parse("2026-12-01T10:00:00+00:00"),
                    Follows = true,
                    LooksUpRemovals = true,
                    Attempts = { [attempt] = new AttemptPages { Pages = { [0] = new PageCount(250, 40), [2] = new PageCount(12, 0) }, LastPage = 2, ReadAt = DateTimeOffset.Parse("2026-12-01T10:00:05+00:00") } },
                    CompletedBy = attempt,
                },
                [Guid.NewGuid()] = new EntityPartitionRead { Level = EntityLevel.Campaign },
            },
            Insights =
            {
                [Guid.NewGuid()] = new InsightRead { Level = EntityLevel.AdSet, Partition = new Partition(PartitionKind.OtherCampaigns, ["c1"]), Status = InsightReadStatus.Failed },
                [Guid.NewGuid()] = new InsightRead { Level = EntityLevel.Ad, Daily = new DailyWindow(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 28)), Status = InsightReadStatus.Succeeded },
            },
            KnownCampaigns = ["c1", "c2"],
            ByCampaign = new Dictionary<EntityLevel, int> { [EntityLevel.Ad] = 3 },
            SpareCalls = 4,
            HeldInsights = [EntityLevel.Campaign],
            ProgressSentAt = DateTimeOffset.Parse("2026-12-01T10:00:06+00:00"),
        };
    }

    [Fact]
    public void The_ledger_is_written_as_reflection_wrote_it_and_read_back_whole()
    {
        var ledger = Ledger();
        var json = AccountSyncStateMap.ToJson(ledger);

        Assert.Equal(JsonSerializer.Serialize(ledger, Reflection), json);
        Assert.Equal(json, AccountSyncStateMap.ToJson(AccountSyncStateMap.FromJson<RunLedger>(json)));
        Assert.Equal(json, JsonSerializer.Serialize(JsonSerializer.Deserialize<RunLedger>(json, Reflection), Reflection));
    }

    [Fact]
    public void The_plan_is_written_as_reflection_wrote_it_and_read_back_whole()
    {
        var plan = new RunPlanSummary(
            new Dictionary<string, int> { ["ad"] = 3 }, new Dictionary<string, int> { ["ad"] = 2 }, 9, "budget", ["ad"], ["adset"], ["campaign"]);
        var json = AccountSyncStateMap.ToJson(plan);

        Assert.Equal(JsonSerializer.Serialize(plan, Reflection), json);
        Assert.Equal(json, AccountSyncStateMap.ToJson(AccountSyncStateMap.FromJson<RunPlanSummary>(json)));
    }
}
