// CloudFront Function (cloudfront-js-2.0) of the `/assets/media/*` behaviour: a crud's pictures end with it.
// The same rule as the local gateway (devstack/devstack/gateway.py media_cache_control); both are held to
// tests/infra/media_edge_cases.py. Associated twice, told apart by event.context.eventType:
//   viewer-request:  404 unless the URL carries one integer `expires` (epoch seconds) later than now and
//                    no further ahead than any crud lives; else strip `/assets` (the bucket's key).
//   viewer-response: Cache-Control public, max-age = what is left of the crud's life, at most a day.
var MAX_AGE = 86400; // what the processor writes on the objects
var MAX_AHEAD = 30 * 86400 + 300; // no crud ends later than 30 days from now (+ 5 min of clock skew)

function secondsLeft(request) {
  var param = request.querystring.expires;
  if (!param || param.multiValue) { return null; }
  if (!/^[0-9]{1,12}$/.test(param.value)) { return null; }
  var left = parseInt(param.value, 10) - Math.floor(Date.now() / 1000);
  return left > 0 && left <= MAX_AHEAD ? left : null;
}

function handler(event) {
  var request = event.request;
  var left = secondsLeft(request);
  if (event.context.eventType === 'viewer-response') {
    var response = event.response;
    if (left !== null && (response.statusCode === 200 || response.statusCode === 304)) {
      response.headers['cache-control'] = { value: 'public, max-age=' + Math.min(left, MAX_AGE) };
    } else {
      response.headers['cache-control'] = { value: 'no-store' };
    }
    return response;
  }
  if (left === null) {
    return {
      statusCode: 404,
      statusDescription: 'Not Found',
      headers: {
        'content-type': { value: 'application/json' },
        'cache-control': { value: 'no-store' },
      },
      body: {
        encoding: 'text',
        data: '{"error":{"code":"not_found","message":"No such asset."}}',
      },
    };
  }
  request.uri = request.uri.replace(/^\/assets\//, '/');
  return request;
}
