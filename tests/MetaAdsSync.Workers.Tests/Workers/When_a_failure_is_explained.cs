using System.Net;
using MetaAdsSync.Contracts;
using MetaAdsSync.Fetching;
using MetaAdsSync.GraphApi;

namespace MetaAdsSync.Workers.Tests.Workers;

public class When_a_failure_is_explained
{
    static readonly DateTimeOffset Now = new(2026, 12, 6, 4, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Should_say_when_a_throttle_lifts()
    {
        var blocked = new RateGateBlockedException(
            new GraphError(GraphErrorKind.Throttled, "Meta throttles act_1/ads_insights for 00:12:00 more", RegainAccessIn: TimeSpan.FromMinutes(12)),
            "not waiting longer than RateGate:MaxThrottleWait (0:05:00)");

        var cause = FailureCauses.Of(blocked, Now);

        Assert.Equal((SyncErrorKind.Throttled, Now.AddMinutes(12)), (cause.Kind, cause.LiftsAt));
        Assert.Null(cause.Call);
    }

    [Theory]
    [InlineData(190, null, SyncErrorKind.TokenInvalid)]
    [InlineData(10, null, SyncErrorKind.NoPermission)]
    [InlineData(272, null, SyncErrorKind.NoPermission)]
    [InlineData(100, 33, SyncErrorKind.NotFound)]
    [InlineData(2, null, SyncErrorKind.MetaUnavailable)]
    [InlineData(100, 1487534, SyncErrorKind.TooMuchData)]
    [InlineData(100, null, SyncErrorKind.MetaRefused)]
    public void Should_name_meta_errors_in_plain_words_with_the_redacted_call(int code, int? subcode, SyncErrorKind expected)
    {
        var subcodeField = subcode is null ? "" : $", \"error_subcode\": {subcode}";
        var body = "{\"error\": {\"message\": \"refused\", \"code\": " + code + subcodeField + "}}";
        var error = GraphError.FromResponse(HttpStatusCode.BadRequest, body, null);
        var failure = new GraphApiException(error, "GET /v21.0/act_1/ads?access_token=REDACTED");

        var cause = FailureCauses.Of(failure, Now);

        Assert.Equal((expected, "refused", "GET /v21.0/act_1/ads?access_token=REDACTED"), (cause.Kind, cause.Message, cause.Call));
        Assert.Equal(expected is SyncErrorKind.NoPermission or SyncErrorKind.NotFound, cause.MeansAccessLost);
    }

    [Fact]
    public void Should_blame_our_side_for_a_failure_that_is_not_meta()
    {
        Assert.Equal(SyncErrorKind.Internal, FailureCauses.Of(new InvalidOperationException("disk full"), Now).Kind);
    }
}
