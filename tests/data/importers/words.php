<?php
// handmade PHP spinner dictionary
$words = array(
    '发展' => '繁荣',
    "利用"=>"哄骗",
    '生产' => '临盆', '配置' => '设置装备摆设',
    'it\'s' => 'it is',
    '不能' = '不克不及',
);
?>
