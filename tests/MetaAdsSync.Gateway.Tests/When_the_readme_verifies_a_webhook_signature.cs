using System.Diagnostics;
using System.Text.RegularExpressions;
using MetaAdsSync.Gateway.Webhooks;
using MetaAdsSync.TestSupport;

namespace MetaAdsSync.Gateway.Tests;

/// <summary>
/// The README's shell check of <c>X-MetaAdsSync-Signature</c> (the block after <c>&lt;!-- verify-signature --&gt;</c>),
/// run with bash and openssl against signatures the Gateway's own <see cref="WebhookSignature"/> made.
/// </summary>
public class When_the_readme_verifies_a_webhook_signature
{
    const string Secret = "whsec-readme-0123456789";
    // Non-ASCII and a newline inside: the MAC is over the body's UTF-8 bytes, exactly as sent.
    const string Body = "{\"id\":\"3f1c2a9e-0000-4000-8000-000000000001\",\"event\":\"sync.completed\",\"data\":{\"name\":\"Café ☕\",\"note\":\"a\\nb\"}}";

    static readonly string Script = ReadmeBlock();

    [Fact]
    public async Task Should_accept_a_delivery_the_gateway_signed()
    {
        Assert.Equal("valid", await RunAsync(WebhookSignature.Sign(Secret, DateTimeOffset.UtcNow, Body), Secret, Body));
    }

    [Fact]
    public async Task Should_refuse_a_changed_body_or_another_secret()
    {
        var signature = WebhookSignature.Sign(Secret, DateTimeOffset.UtcNow, Body);

        Assert.Equal("forged", await RunAsync(signature, Secret, Body.Replace("Café", "Cafe", StringComparison.Ordinal)));
        Assert.Equal("forged", await RunAsync(signature, "another-secret-0123456789", Body));
    }

    [Fact]
    public async Task Should_refuse_a_signature_outside_the_replay_window_either_way()
    {
        Assert.Equal("stale", await RunAsync(WebhookSignature.Sign(Secret, DateTimeOffset.UtcNow.AddMinutes(-6), Body), Secret, Body));
        Assert.Equal("stale", await RunAsync(WebhookSignature.Sign(Secret, DateTimeOffset.UtcNow.AddMinutes(6), Body), Secret, Body));
    }

    /// <summary>The script's verdict, which it prints and exits with: 0 for valid, 1 for a refusal.</summary>
    static async Task<string> RunAsync(string signature, string secret, string body)
    {
        var folder = Directory.CreateTempSubdirectory("metaadssync-signature-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "body.json"), body);
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder.FullName };
            start.ArgumentList.Add("-euc");
            start.ArgumentList.Add(Script);
            start.Environment["SIG"] = signature;
            start.Environment["SECRET"] = secret;
            using var bash = Process.Start(start)!;
            var verdict = (await bash.StandardOutput.ReadToEndAsync()).Trim();
            var error = await bash.StandardError.ReadToEndAsync();
            await bash.WaitForExitAsync();
            Assert.True(bash.ExitCode == (verdict == "valid" ? 0 : 1), $"exit {bash.ExitCode}, '{verdict}': {error}");
            return verdict;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    static string ReadmeBlock()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var block = Regex.Match(readme, @"<!-- verify-signature -->\s*```bash\n(?<script>.*?)```", RegexOptions.Singleline);
        Assert.True(block.Success, "README.md has no ```bash block after <!-- verify-signature -->");
        return block.Groups["script"].Value;
    }
}
