using System.Net;
using MetaAdsSync.Contracts;
using MetaAdsSync.GraphApi;
using Microsoft.Extensions.DependencyInjection;

namespace MetaAdsSync.Workers.Tests.GraphApi;

public class When_meta_answers_with_an_error_envelope
{
    public static TheoryData<int, string, GraphErrorKind> Envelopes => new()
    {
        { 400, """{"error":{"message":"Error validating access token","type":"OAuthException","code":190,"error_subcode":463}}""", GraphErrorKind.Auth },
        { 400, """{"error":{"message":"(#10) Permission denied","code":10}}""", GraphErrorKind.Permission },
        { 403, """{"error":{"message":"(#200) Requires ads_read","code":200}}""", GraphErrorKind.Permission },
        { 400, """{"error":{"message":"(#294) Managing advertisements requires ads_management","code":294}}""", GraphErrorKind.Permission },
        { 400, """{"error":{"message":"Unsupported get request.","type":"GraphMethodException","code":100,"error_subcode":33}}""", GraphErrorKind.NotFound },
        { 400, """{"error":{"message":"(#4) Application request limit reached","code":4}}""", GraphErrorKind.Throttled },
        { 400, """{"error":{"message":"User request limit reached","code":17,"error_subcode":2446079}}""", GraphErrorKind.Throttled },
        { 400, """{"error":{"message":"Pages limit","code":32}}""", GraphErrorKind.Throttled },
        { 400, """{"error":{"message":"Calls to this api have exceeded the rate limit.","code":613,"error_subcode":1487742}}""", GraphErrorKind.Throttled },
        { 400, """{"error":{"message":"There have been too many calls to this ad-account.","code":80000}}""", GraphErrorKind.Throttled },
        { 400, """{"error":{"message":"ads management","code":80004}}""", GraphErrorKind.Throttled },
        { 400, """{"error":{"message":"Please reduce the amount of data you're asking for, then retry your request","code":100,"error_subcode":1487534}}""", GraphErrorKind.PayloadTooLarge },
        { 500, """{"error":{"message":"Please reduce the amount of data you're asking for, then retry your request","code":1}}""", GraphErrorKind.PayloadTooLarge },
        { 500, """{"error":{"message":"An unknown error occurred","code":1,"error_subcode":99,"error_user_msg":"Please reduce the amount of data you're asking for, then retry your request"}}""", GraphErrorKind.PayloadTooLarge },
        { 500, """{"error":{"message":"An unknown error occurred","code":1,"error_subcode":99}}""", GraphErrorKind.Transient },
        { 503, """{"error":{"message":"Service temporarily unavailable","code":2,"error_subcode":1504043}}""", GraphErrorKind.Transient },
        { 400, """{"error":{"message":"Something odd","code":9007,"is_transient":true}}""", GraphErrorKind.Transient },
        { 502, "<html>Bad gateway</html>", GraphErrorKind.Transient },
        { 400, """{"error":{"message":"(#100) Invalid parameter","code":100}}""", GraphErrorKind.Invalid },
    };

    [Theory]
    [MemberData(nameof(Envelopes))]
    public void Should_classify_it_by_code_subcode_and_message(int status, string body, GraphErrorKind expected)
    {
        Assert.Equal(expected, GraphError.FromResponse((HttpStatusCode)status, body, null).Kind);
    }

    [Fact]
    public async Task Should_fail_a_token_error_at_once_without_retrying()
    {
        using var h = new GraphClientHarness();
        h.Graph.Serve("act_1/campaigns", [new { id = "c1" }]);
        h.Graph.ThenError(HttpStatusCode.BadRequest, new { message = "Error validating access token: Session has expired", type = "OAuthException", code = 190, error_subcode = 463 });

        var error = await Assert.ThrowsAsync<GraphApiException>(() => h.Client.GetEntitiesAsync("act_1", EntityLevel.Campaign, Partition.WholeLevel, default).ToListAsync().AsTask());

        Assert.Equal(GraphErrorKind.Auth, error.Error.Kind);
        Assert.Single(h.Graph.Requests);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(100)]
    public async Task Should_fail_permission_and_unknown_object_errors_without_retrying(int code)
    {
        using var h = new GraphClientHarness();
        h.Graph.ThenError(HttpStatusCode.BadRequest, new { message = "no", code, error_subcode = code == 100 ? 33 : 0 });

        var error = await Assert.ThrowsAsync<GraphApiException>(() => h.Client.GetEntitiesAsync("act_1", EntityLevel.Campaign, Partition.WholeLevel, default).ToListAsync().AsTask());

        Assert.Equal(code == 10 ? GraphErrorKind.Permission : GraphErrorKind.NotFound, error.Error.Kind);
        Assert.Single(h.Graph.Requests);
    }

    [Fact]
    public async Task Should_retry_transient_failures_and_return_the_data()
    {
        using var h = new GraphClientHarness();
        h.Graph.Serve("act_1/campaigns", [new { id = "c1" }]);
        h.Graph.ThenError(HttpStatusCode.InternalServerError, new { message = "An unknown error occurred", code = 1 });
        h.Graph.ThenError(HttpStatusCode.ServiceUnavailable, new { message = "Service temporarily unavailable", code = 2 });

        var pages = await h.Client.GetEntitiesAsync("act_1", EntityLevel.Campaign, Partition.WholeLevel, default).ToListAsync();

        Assert.Equal("c1", Assert.Single(Assert.Single(pages).Entities).Id);
        Assert.Equal(3, pages[0].GraphCalls);
    }

    [Fact]
    public async Task Should_give_up_after_the_bounded_number_of_retries()
    {
        using var h = new GraphClientHarness(new() { ["Meta:MaxRetryAttempts"] = "2" });
        for (var i = 0; i < 5; i++)
        {
            h.Graph.ThenError(HttpStatusCode.ServiceUnavailable, new { message = "Service temporarily unavailable", code = 2 });
        }

        var error = await Assert.ThrowsAsync<GraphApiException>(() => h.Client.GetEntitiesAsync("act_1", EntityLevel.Campaign, Partition.WholeLevel, default).ToListAsync().AsTask());

        Assert.Equal(GraphErrorKind.Transient, error.Error.Kind);
        Assert.Equal(3, h.Graph.Requests.Count);
    }

    [Fact]
    public async Task Should_retry_a_call_that_does_not_answer_within_the_attempt_timeout()
    {
        using var h = new GraphClientHarness(new() { ["Meta:AttemptTimeout"] = "00:00:00.200" });
        h.Graph.Serve("act_1/campaigns", [new { id = "c1" }]);
        h.Graph.Then(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new HangingContent() });

        var pages = await h.Client.GetEntitiesAsync("act_1", EntityLevel.Campaign, Partition.WholeLevel, default).ToListAsync();

        Assert.Equal("c1", Assert.Single(pages.Single().Entities).Id);
        Assert.Equal(2, pages[0].GraphCalls);
        Assert.Contains(h.Logs.Lines, l => l.Contains("Meta:AttemptTimeout", StringComparison.Ordinal));
    }

    sealed class HangingContent : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => await Task.Delay(Timeout.Infinite);

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken) =>
            await Task.Delay(Timeout.Infinite, cancellationToken);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
