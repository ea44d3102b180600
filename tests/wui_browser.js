// Browser test of phonesec-wuid in Debian's headless Chromium (driven by playwright-core, which
// never downloads a browser here): first run, Digest login, the Network page's web server type
// applied and saved (the unsaved banner comes and goes), German; a screenshot of each page.
// usage: node wui_browser.js HTTP_PORT HTTPS_PORT SCREENSHOT_DIR
// (playwright gives each launch a fresh profile folder of its own under $TMPDIR)
'use strict';
const { chromium } = require('playwright-core');
const [hp, sp, shots] = process.argv.slice(2);
const H = `http://127.0.0.1:${hp}`, S = `https://127.0.0.1:${sp}`;
const args = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
	'--disable-component-update', '--disable-sync', '--no-first-run'];

function check(cond, what) {
	if (!cond) throw new Error(what);
	console.log(`ok: ${what}`);
}

(async () => {
	const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args });
	try {
		// first run, no credentials
		let ctx = await browser.newContext({ viewport: { width: 400, height: 800 } });
		let page = await ctx.newPage();
		let r = await page.goto(`${H}/`);
		check(r.status() === 200 && await page.locator('#admin_pass2').count() === 1,
			'the first-run page on a fresh phone');
		await page.screenshot({ path: `${shots}/01-first-run.png`, fullPage: true });
		await page.fill('#admin_pass', 'Adm1n-pass-x');
		await page.fill('#admin_pass2', 'Adm1n-pass-x');
		await page.fill('#user', 'desk');
		await page.fill('#pass', 'wui-secret-1');
		await page.fill('#pass2', 'wui-secret-1');
		await Promise.all([page.waitForNavigation(), page.click('button[name=apply]')]);
		check((await page.content()).includes('Log in with the new user'), 'first run done');
		await ctx.close();

		// Digest login, every page
		ctx = await browser.newContext({
			httpCredentials: { username: 'desk', password: 'wui-secret-1' },
			ignoreHTTPSErrors: true, viewport: { width: 400, height: 800 }, locale: 'en-US',
		});
		page = await ctx.newPage();
		const pages = [['/', '02-system-info'], ['/security', '03-qos-security'],
			['/network', '04-network'], ['/preferences', '05-preferences'], ['/status', '06-security']];
		for (const [p, name] of pages) {
			r = await page.goto(`${H}${p}`);
			check(r.status() === 200, `logged in with Digest: ${p}`);
			await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
		}
		// Network: https only, Apply
		await page.goto(`${H}/network`);
		await page.selectOption('#webserver_type', 'https');
		await Promise.all([page.waitForNavigation(), page.click('button[name=apply]')]);
		let text = await page.content();
		check(text.includes(`https://127.0.0.1:${sp}/`), 'Apply answered with the new address');
		check(text.includes('banner unsaved'), 'the unsaved banner after Apply');
		await page.screenshot({ path: `${shots}/07-applied.png`, fullPage: true });
		// the plain port is closed now: continue over https
		await new Promise((res) => setTimeout(res, 1500));
		let refused = false;
		try { await page.goto(`${H}/`, { timeout: 5000 }); } catch (e) { refused = true; }
		check(refused, 'http is closed after Apply');
		await page.close();
		page = await ctx.newPage();
		r = await page.goto(`${S}/network`);
		check(r.status() === 200, 'the UI over https');
		await Promise.all([page.waitForNavigation(), page.click('button[name=save]')]);
		await page.goto(`${S}/network`);
		check(!(await page.content()).includes('banner unsaved'), 'the unsaved banner gone after Save');
		await page.screenshot({ path: `${shots}/08-saved.png`, fullPage: true });
		// a page of another site posts a settings form to the phone, with hidden tags off (the
		// legacy mode): the browser answers the Digest challenge, the phone refuses the form
		await page.goto(`${S}/security`);
		await page.selectOption('#use_hidden_tags', 'off');
		await Promise.all([page.waitForNavigation(), page.click('button[name=apply]')]);
		check((await page.inputValue('#use_hidden_tags')) === 'off', 'hidden tags off');
		await ctx.route('http://attacker.test/**', (route) => route.fulfill({
			contentType: 'text/html',
			body: `<form method="post" action="${S}/preferences">` +
				'<input name="keyboard_lock_timeout" value="99"></form>' +
				'<script>document.forms[0].submit()</script>',
		}));
		const evil = await ctx.newPage();
		const posted = evil.waitForResponse((res) => res.url() === `${S}/preferences` &&
			res.request().method() === 'POST' && res.status() !== 401);
		await evil.goto('http://attacker.test/');
		check((await posted).status() === 403, 'a form posted from another site refused');
		await evil.close();
		await page.goto(`${S}/preferences`);
		check((await page.inputValue('#keyboard_lock_timeout')) !== '99',
			'the other site\'s form changed nothing');
		// the phone's own form still works with hidden tags off
		await page.fill('#keyboard_lock_timeout', '98');
		await Promise.all([page.waitForNavigation(), page.click('button[name=apply]')]);
		await page.goto(`${S}/preferences`);
		check((await page.inputValue('#keyboard_lock_timeout')) === '98',
			'the phone\'s own form with hidden tags off');
		// German
		await page.goto(`${S}/network`);
		await page.click('a[href="?lang=de"]');
		text = await page.content();
		check(text.includes('Übernehmen') && text.includes('Webserver-Verbindungstyp') &&
			text.includes('nur HTTPS'), 'German after the switch');
		await page.screenshot({ path: `${shots}/09-german.png`, fullPage: true });
		await ctx.close();
	} finally {
		await browser.close();
	}
})().catch((e) => { console.error(`FAIL: ${e.message}`); process.exit(1); });
