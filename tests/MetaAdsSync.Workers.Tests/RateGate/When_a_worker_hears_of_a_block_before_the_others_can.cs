using MetaAdsSync.GraphApi;
using MetaAdsSync.RateGate;

namespace MetaAdsSync.Workers.Tests.RateGate;

public class When_a_worker_hears_of_a_block_before_the_others_can(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    // A report whose shared record is not written (here: cancelled before it reached PostgreSQL) is still heard in its process.
    static async Task HearOnlyAsync(PostgresRateGate gate, RateScope scope)
    {
        using var notWritten = new CancellationTokenSource();
        await notWritten.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gate.ReportAsync(scope, GraphUsage.None, TimeSpan.FromMinutes(30), notWritten.Token).AsTask());
    }

    [Fact]
    public async Task Should_hold_its_own_callers_off_both_use_cases_before_the_shared_record_exists()
    {
        await using var gates = new GateFactory(database);
        var scope = new RateScope("act_heard", MetaUseCase.AdsManagement);
        var heard = gates.Create();

        await HearOnlyAsync(heard, scope);

        await Assert.ThrowsAsync<RateGateBlockedException>(() => heard.AcquireAsync(scope, default).AsTask());
        await Assert.ThrowsAsync<RateGateBlockedException>(() => heard.AcquireAsync(scope with { UseCase = MetaUseCase.AdsInsights }, default).AsTask());
        await using (await heard.AcquireAsync(new RateScope("act_other", MetaUseCase.AdsManagement), default))
        {
        }

        // Refused without asking PostgreSQL: no permit was taken, not even one handed back at once.
        Assert.Equal(0, await database.CountAsync("SELECT count(*) FROM rate_gate WHERE key LIKE 'act_heard/%'"));

        // Only this process heard: another worker learns of the block from the shared record or from Meta.
        await using (await gates.Create().AcquireAsync(scope, default))
        {
        }
    }

    [Fact]
    public async Task Should_tell_the_other_processes_as_its_record_commits_so_that_they_hold_off_without_asking_postgresql()
    {
        await using var gates = new GateFactory(database);
        var scope = new RateScope("act_told", MetaUseCase.AdsInsights);
        var heard = gates.Create();
        var other = gates.Create();
        // A gate listens from its first call on.
        await using (await other.AcquireAsync(new RateScope("act_told_first", MetaUseCase.AdsManagement), default))
        {
        }

        await Eventually.TrueAsync(async () => await database.CountAsync(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%LISTEN rate_gate_blocked%' AND pid <> pg_backend_pid()") > 0,
            "the other gate listening");
        Assert.Equal(TimeSpan.Zero, other.KnownBlockFor(scope));

        await heard.ReportAsync(scope, GraphUsage.None, TimeSpan.FromMinutes(30), default);

        // Both use cases, as the shared record has it; nothing else.
        await Eventually.TrueAsync(() => other.KnownBlockFor(scope) > TimeSpan.Zero && other.KnownBlockFor(scope with { UseCase = MetaUseCase.AdsManagement }) > TimeSpan.Zero,
            "the block heard in the other process");
        Assert.InRange(other.KnownBlockFor(scope), TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(30));
        Assert.Equal(TimeSpan.Zero, other.KnownBlockFor(new RateScope("act_told_first", MetaUseCase.AdsManagement)));
    }

    // The second permit is granted (the window counts it) and handed back (none in flight) instead of being used.
    [Fact]
    public async Task Should_hand_back_a_permit_granted_while_it_heard_of_the_block_instead_of_calling()
    {
        await using var gates = new GateFactory(database);
        var scope = new RateScope("act_granted", MetaUseCase.AdsManagement);
        var gate = gates.Create();
        await using (await gate.AcquireAsync(scope, default))
        {
        }

        // The key's row is locked, so the next permit is granted only once the test lets go, after the block was heard.
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockRow = new Npgsql.NpgsqlCommand("SELECT 1 FROM rate_gate WHERE key = 'act_granted/ads_management' FOR UPDATE", connection, transaction))
        {
            await lockRow.ExecuteNonQueryAsync();
        }

        var acquiring = gate.AcquireAsync(scope, default).AsTask();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await database.CountAsync(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() AND query LIKE '%rate_gate%' AND pid <> pg_backend_pid()") == 0)
        {
            Assert.False(acquiring.IsCompleted, "the permit did not wait for the locked row");
            Assert.True(DateTime.UtcNow < deadline, "the permit never waited for the locked row");
            await Task.Delay(20);
        }

        await HearOnlyAsync(gate, scope);
        await transaction.CommitAsync();

        await Assert.ThrowsAsync<RateGateBlockedException>(() => acquiring);
        var status = await gates.StatusAsync(scope);
        Assert.Equal(2, status.WindowUsed);
        Assert.Equal(0, status.InFlight);
    }
}
