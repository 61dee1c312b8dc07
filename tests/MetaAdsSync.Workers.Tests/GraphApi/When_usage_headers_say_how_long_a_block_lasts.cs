using MetaAdsSync.GraphApi;

namespace MetaAdsSync.Workers.Tests.GraphApi;

public class When_usage_headers_say_how_long_a_block_lasts
{
    static GraphUsage Parse(params (string Name, string Value)[] headers)
    {
        using var response = new HttpResponseMessage();
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return GraphUsage.Parse(response.Headers);
    }

    [Fact]
    public void Should_take_the_business_use_case_estimate_in_minutes()
    {
        var usage = Parse(("X-Business-Use-Case-Usage", """{"1":[{"type":"ads_insights","call_count":100,"estimated_time_to_regain_access":7}]}"""));

        Assert.Equal(TimeSpan.FromMinutes(7), usage.RegainAccessIn(MetaUseCase.AdsInsights));
        Assert.Null(usage.RegainAccessIn(MetaUseCase.AdsManagement));
    }

    [Fact]
    public void Should_refine_a_rounded_up_minute_with_the_account_reset_in_seconds()
    {
        var usage = Parse(
            ("X-Business-Use-Case-Usage", """{"1":[{"type":"ads_management","call_count":100,"estimated_time_to_regain_access":1}]}"""),
            ("X-Ad-Account-Usage", """{"acc_id_util_pct":100,"reset_time_duration":12}"""));

        Assert.Equal(TimeSpan.FromSeconds(12), usage.RegainAccessIn(MetaUseCase.AdsManagement));
    }

    [Fact]
    public void Should_keep_the_estimate_when_the_account_reset_is_far_shorter()
    {
        var usage = Parse(
            ("X-Business-Use-Case-Usage", """{"1":[{"type":"ads_management","call_count":100,"estimated_time_to_regain_access":30}]}"""),
            ("X-Ad-Account-Usage", """{"acc_id_util_pct":100,"reset_time_duration":12}"""));

        Assert.Equal(TimeSpan.FromMinutes(30), usage.RegainAccessIn(MetaUseCase.AdsManagement));
    }
}
